import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congdoan.org.choices import UnitStatus
from congdoan.org.models import RoleAssignment, Unit
from tests.conftest import make_unit


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get("/units/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_tree_shows_only_own_subtree(tree, grassroots_a, client_for):
    body = client_for(grassroots_a).get("/units/").content.decode()
    assert "Công ty TNHH Đông Bắc" in body
    assert "Sao Mai" not in body and "Liên đoàn Lao động" not in body


def test_children_partial_lists_children_with_counts(tree, admin_user, client_for):
    make_unit(tree.gr_a1, "G1", "Tổ công đoàn Ca A", "union_group")
    response = client_for(admin_user).get(
        f"/units/{tree.zone.code}/children/", HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Đông Bắc" in body and "Hoà Bình" in body
    assert "<html" not in body  # a fragment for htmx


def test_children_query_count_does_not_grow_with_children(tree, admin_user, client_for):
    client = client_for(admin_user)
    client.get(f"/units/{tree.zone.code}/children/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/units/{tree.zone.code}/children/")
    for i in range(12):
        make_unit(tree.zone, f"GX{i}", f"Công đoàn cơ sở {i}", "grassroots_union")
    with CaptureQueriesContext(connection) as many:
        client.get(f"/units/{tree.zone.code}/children/")
    assert len(many) == len(few)


@pytest.mark.parametrize("q", ["dong bac", "ĐÔNG BẮC", "Đông Bắc", "d"])
def test_search_is_accent_insensitive(q, tree, admin_user, client_for):
    body = client_for(admin_user).get("/units/search/", {"q": q}).content.decode()
    assert "Công đoàn cơ sở Công ty TNHH Đông Bắc" in body


def test_search_hoa_matches_both_tone_placements(tree, admin_user, client_for):
    make_unit(tree.ward, "GR-B2", "Công đoàn cơ sở Công ty TNHH Hòa Phát", "grassroots_union")
    body = client_for(admin_user).get("/units/search/", {"q": "hoà"}).content.decode()
    assert "Hoà Bình" in body and "Hòa Phát" in body


def test_detail_shows_breadcrumbs_counts_and_history(tree, admin_user, client_for):
    response = client_for(admin_user).get(f"/units/{tree.zone.code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Liên đoàn Lao động tỉnh Quảng Ninh" in body  # breadcrumb
    assert 'data-testid="subtree-count">2<' in body


def test_breadcrumbs_hide_ancestors_out_of_scope(tree, grassroots_a, client_for):
    body = client_for(grassroots_a).get(f"/units/{tree.gr_a1.code}/").content.decode()
    assert "Liên đoàn Lao động tỉnh Quảng Ninh" not in body


def test_create_child_via_form(tree, zone_admin, client_for):
    response = client_for(zone_admin).post(
        f"/units/{tree.zone.code}/new/",
        {
            "code": "gr-a9",
            "name": "Công đoàn cơ sở Công ty TNHH Minh Phát",
            "kind": "grassroots_union",
            "province_code": "22",
            "employer_tax_code": "5701234567",
            "worker_count": "850",
            "ownership": "private",
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="GR-A9")
    assert unit.worker_count == 850 and unit.get_ownership_display()


def test_create_with_bad_input_keeps_values_and_explains(tree, zone_admin, client_for):
    response = client_for(zone_admin).post(
        f"/units/{tree.zone.code}/new/",
        {
            "code": "GR-A1",
            "name": "Tên mới",
            "kind": "grassroots_union",
            "employer_tax_code": "12",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Tên mới"' in body
    assert "10 chữ số" in body or "10 digits" in body
    assert not Unit.objects.filter(name="Tên mới").exists()


def test_officer_sees_no_restructure_and_gets_403(tree, officer_a, client_for):
    client = client_for(officer_a)
    body = client.get(f"/units/{tree.gr_a1.code}/").content.decode()
    assert f"/units/{tree.gr_a1.code}/move/" not in body
    assert client.post(f"/units/{tree.gr_a1.code}/move/", {"target": "ZONE"}).status_code == 403


def test_move_merge_dissolve_through_pages(tree, admin_user, client_for):
    client = client_for(admin_user)
    assert client.post(f"/units/{tree.gr_a1.code}/move/", {"target": "ward"}).status_code == 302
    assert Unit.objects.get_parent(Unit.objects.get(code="GR-A1")).code == "WARD"
    assert (
        client.post(
            f"/units/{tree.gr_a2.code}/merge/", {"target": "GR-B1", "reason": "sáp nhập"}
        ).status_code
        == 302
    )
    assert Unit.objects.get(code="GR-A2").status == UnitStatus.MERGED
    response = client.post(f"/units/{tree.zone.code}/dissolve/", {"reason": ""})
    assert response.status_code == 200  # reason required, form shown again
    assert (
        client.post(f"/units/{tree.zone.code}/dissolve/", {"reason": "hết đơn vị"}).status_code
        == 302
    )
    assert Unit.objects.get(code="ZONE").status == UnitStatus.DISSOLVED


def test_move_into_own_subtree_shows_message(tree, admin_user, client_for):
    response = client_for(admin_user).post(f"/units/{tree.zone.code}/move/", {"target": "GR-A1"})
    assert response.status_code == 200
    assert Unit.objects.get_parent(Unit.objects.get(code="ZONE")).code == "PROV"


def test_roles_page_grant_and_revoke(tree, zone_admin, client_for):
    from tests.conftest import make_user

    make_user("new_person")
    client = client_for(zone_admin)
    assert (
        client.post(
            f"/units/{tree.gr_a1.code}/roles/", {"username": "new_person", "role": "officer"}
        ).status_code
        == 302
    )
    assignment = RoleAssignment.objects.get(user__username="new_person")
    assert client.post(f"/units/{tree.gr_a1.code}/roles/{assignment.pk}/revoke/").status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_english_switch(tree, admin_user, client_for):
    client = client_for(admin_user)
    assert "Tổ chức" in client.get("/units/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/units/"})
    assert "Organisation tree" in client.get("/units/").content.decode()


def test_policy_page_only_for_top_administrators(tree, admin_user, zone_admin, client_for):
    assert client_for(zone_admin).get("/security/policies/").status_code == 404
    assert client_for(admin_user).get("/security/policies/").status_code == 200


def test_subtree_count_follows_tree_changes(tree, admin_user, django_capture_on_commit_callbacks):
    from congdoan.org import queries, services

    assert queries.subtree_count(tree.prov) == 5
    with django_capture_on_commit_callbacks(execute=True):
        services.create_unit(
            admin_user, parent=tree.zone, code="GR-A7", name="CĐCS mới", kind="grassroots_union"
        )
    assert queries.subtree_count(Unit.objects.get(pk=tree.prov.pk)) == 6
    with django_capture_on_commit_callbacks(execute=True):
        services.dissolve_unit(admin_user, Unit.objects.get(code="GR-A7"), "thử")
    assert queries.subtree_count(Unit.objects.get(pk=tree.prov.pk)) == 5


def test_home_of_a_member_without_role_shows_their_pages_not_unit_search(no_role_user, client_for):
    body = client_for(no_role_user).get("/").content.decode()
    assert 'name="q"' not in body
    assert "/units/" not in body and "/indicators/" not in body
