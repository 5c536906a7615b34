"""An officer of the sibling subtree gets 404 on every member page and endpoint of ZONE."""

import pytest

from congdoan.members.models import ImportJob, Member
from tests.scoping import ScopedRoute, assert_api_hidden, assert_hidden

ROUTES = [
    ScopedRoute("members:detail", lambda t: f"/members/{t.member.pk}/"),
    ScopedRoute("members:reveal_cccd", lambda t: f"/members/{t.member.pk}/cccd/", "post"),
    ScopedRoute("members:edit", lambda t: f"/members/{t.member.pk}/edit/"),
    ScopedRoute(
        "members:edit", lambda t: f"/members/{t.member.pk}/edit/", "post", {"full_name": "Hijacked"}
    ),
    ScopedRoute("members:transfer", lambda t: f"/members/{t.member.pk}/transfer/"),
    ScopedRoute(
        "members:transfer",
        lambda t: f"/members/{t.member.pk}/transfer/",
        "post",
        {"to_unit": "GR-B1"},
    ),
    ScopedRoute("members:status", lambda t: f"/members/{t.member.pk}/status/leave/"),
    ScopedRoute(
        "members:status", lambda t: f"/members/{t.member.pk}/status/leave/", "post", {"reason": "x"}
    ),
    ScopedRoute("members:status", lambda t: f"/members/{t.member.pk}/status/death/", "post", {}),
    ScopedRoute("members:roster", lambda t: f"/members/roster/{t.gr_a1.code}.xlsx"),
    ScopedRoute("members:import_detail", lambda t: f"/members/imports/{t.job.pk}/"),
    ScopedRoute(
        "members:import_rerun",
        lambda t: f"/members/imports/{t.job.pk}/run/",
        "post",
        {"commit": "1"},
    ),
    ScopedRoute("members:import_rejected", lambda t: f"/members/imports/{t.job.pk}/rejected.xlsx"),
    ScopedRoute(
        "members:decide_transfer",
        lambda t: f"/members/transfers/{t.transfer.pk}/decide/",
        "post",
        {"accept": "1"},
    ),
]

API_ROUTES = [
    ("get", lambda t: f"/api/v1/members/{t.member.pk}", None),
    ("patch", lambda t: f"/api/v1/members/{t.member.pk}", {"version": 1, "job_title": "X"}),
    ("post", lambda t: f"/api/v1/members/{t.member.pk}/cccd", {}),
    ("post", lambda t: f"/api/v1/members/{t.member.pk}/transfer", {"to_unit": "GR-B1"}),
    ("post", lambda t: f"/api/v1/members/{t.member.pk}/leave", {"reason": "x"}),
    ("post", lambda t: f"/api/v1/members/{t.member.pk}/suspend", {"reason": "x"}),
    ("post", lambda t: f"/api/v1/members/{t.member.pk}/reinstate", {}),
    ("post", lambda t: f"/api/v1/members/{t.member.pk}/transfer-out", {"reason": "x"}),
    ("post", lambda t: f"/api/v1/members/{t.member.pk}/death", {}),
    ("post", lambda t: "/api/v1/members", {"unit": "GR-A1", "full_name": "X"}),
    (
        "post",
        lambda t: "/api/v1/members/merge",
        lambda t: {"keep": t.member.pk, "duplicate": t.member2.pk},
    ),
    ("get", lambda t: f"/api/v1/members/imports/{t.job.pk}", None),
    ("get", lambda t: f"/api/v1/members?unit={t.zone.code}", None),
    ("post", lambda t: f"/api/v1/members/transfers/{t.transfer.pk}/decide", {"accept": True}),
]


@pytest.fixture
def scoped_tree(tree, members, officer_a, admin_user):
    from django.core.files.base import ContentFile

    from congdoan.members import services
    from congdoan.org.choices import Role, UnitKind
    from congdoan.org.models import RoleAssignment
    from tests.conftest import make_unit, make_user

    tree.member, tree.member2 = members.a1, members.a2
    job = ImportJob(unit=tree.gr_a1, created_by=officer_a, original_name="x.csv", dry_run=True)
    job.file.save("x.csv", ContentFile(b"Ho ten,Ngay sinh\nA,01/01/1990\n"), save=False)
    job.save()
    tree.job = job
    # A transfer between two units that are both outside WARD: ZONE → a second province.
    other = make_unit(None, "PROV2", "LĐLĐ khác", UnitKind.PROVINCIAL_FEDERATION)
    upper = make_unit(other, "P2-Z", "CĐ KCN", UnitKind.INDUSTRIAL_ZONE_UNION)
    gr = make_unit(upper, "P2-GR", "CĐCS khác", UnitKind.GRASSROOTS_UNION)
    make_user("p2_officer", gr, Role.OFFICER)
    tree.transfer = services.transfer_member(officer_a, members.a2, gr)
    assert RoleAssignment.objects.exists()
    return tree


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.name}-{r.method}")
def test_sibling_officer_gets_404(route, scoped_tree, ward_admin, client_for):
    client = client_for(ward_admin)
    assert_hidden(client, route.build(scoped_tree), route.method, route.data)


@pytest.mark.parametrize("method,build,payload", API_ROUTES)
def test_api_sibling_gets_404(method, build, payload, scoped_tree, ward_admin, api_client_for):
    client = api_client_for(ward_admin)
    url = build(scoped_tree)
    if callable(payload):
        payload = payload(scoped_tree)
    assert_api_hidden(client, method, url, payload)


def test_api_import_into_sibling_unit_is_404(scoped_tree, ward_admin, api_client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api_client_for(ward_admin).post(
        "/api/v1/members/imports",
        {
            "unit": "GR-A1",
            "dry_run": "true",
            "file": SimpleUploadedFile("x.csv", b"Ho ten,Ngay sinh\nA,01/01/1990\n"),
        },
    )
    assert response.status_code == 404


def test_sibling_lists_and_searches_find_nothing_of_zone(
    scoped_tree, officer_b, client_for, api_client_for
):
    client = client_for(officer_b)
    page = client.get("/members/", {"q": "nguyen van an"}).content.decode()
    assert "Nguyễn Văn An" not in page
    for path in (
        "/members/export.csv",
        "/members/duplicates/",
        "/members/transfers/",
        "/members/imports/",
    ):
        body = (
            b"".join(client.get(path).streaming_content)
            if path.endswith(".csv")
            else client.get(path).content
        )
        assert "Nguyễn Văn An".encode() not in body and "Trần Thị Hoà".encode() not in body, path
    data = api_client_for(officer_b).get("/api/v1/members", {"q": "nguyen"}).json()
    assert data["items"] == [] or all(i["unit"] == "GR-B1" for i in data["items"])
    assert Member.objects.visible_to(officer_b).count() == 1
