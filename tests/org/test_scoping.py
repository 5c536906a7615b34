"""An officer of the sibling subtree gets 404 on every unit page and endpoint of ZONE."""

import pytest

from tests.scoping import ScopedRoute, assert_api_hidden, assert_hidden

ROUTES = [
    ScopedRoute("org:detail", lambda t: f"/units/{t.gr_a1.code}/"),
    ScopedRoute("org:children", lambda t: f"/units/{t.zone.code}/children/"),
    ScopedRoute("org:create", lambda t: f"/units/{t.zone.code}/new/"),
    ScopedRoute(
        "org:create",
        lambda t: f"/units/{t.zone.code}/new/",
        "post",
        {"code": "X1", "name": "X", "kind": "grassroots_union"},
    ),
    ScopedRoute("org:edit", lambda t: f"/units/{t.gr_a1.code}/edit/"),
    ScopedRoute("org:edit", lambda t: f"/units/{t.gr_a1.code}/edit/", "post", {"name": "Hijacked"}),
    ScopedRoute("org:move", lambda t: f"/units/{t.gr_a1.code}/move/"),
    ScopedRoute("org:move", lambda t: f"/units/{t.gr_a1.code}/move/", "post", {"target": "WARD"}),
    ScopedRoute("org:merge", lambda t: f"/units/{t.gr_a1.code}/merge/"),
    ScopedRoute(
        "org:merge", lambda t: f"/units/{t.gr_a1.code}/merge/", "post", {"target": "GR-B1"}
    ),
    ScopedRoute("org:dissolve", lambda t: f"/units/{t.gr_a2.code}/dissolve/"),
    ScopedRoute(
        "org:dissolve", lambda t: f"/units/{t.gr_a2.code}/dissolve/", "post", {"reason": "x"}
    ),
    ScopedRoute("org:roles", lambda t: f"/units/{t.zone.code}/roles/"),
    ScopedRoute(
        "org:roles",
        lambda t: f"/units/{t.zone.code}/roles/",
        "post",
        {"username": "officer_b", "role": "administrator"},
    ),
    ScopedRoute(
        "org:revoke_role", lambda t: f"/units/{t.zone.code}/roles/{t.zone_role.pk}/revoke/", "post"
    ),
]

API_ROUTES = [
    ("get", lambda t: f"/api/v1/units/{t.gr_a1.code}", None),
    ("get", lambda t: f"/api/v1/units?parent={t.zone.code}", None),
    ("patch", lambda t: f"/api/v1/units/{t.gr_a1.code}", {"name": "Hijacked"}),
    (
        "post",
        lambda t: "/api/v1/units",
        {"parent": "ZONE", "code": "X1", "name": "X", "kind": "grassroots_union"},
    ),
    ("post", lambda t: f"/api/v1/units/{t.gr_a1.code}/move", {"target": "WARD"}),
    ("post", lambda t: f"/api/v1/units/{t.gr_a1.code}/merge", {"target": "GR-B1"}),
    ("post", lambda t: f"/api/v1/units/{t.gr_a2.code}/dissolve", {"reason": "x"}),
]


@pytest.fixture
def scoped_tree(tree, zone_admin):
    from congdoan.org.models import RoleAssignment

    tree.zone_role = RoleAssignment.objects.get(user=zone_admin)
    return tree


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.name}-{r.method}")
def test_sibling_officer_gets_404(route, scoped_tree, ward_admin, client_for):
    """Even an administrator of WARD cannot see or touch ZONE's units."""
    client = client_for(ward_admin)
    assert_hidden(client, route.build(scoped_tree), route.method, route.data)


@pytest.mark.parametrize("method,build,payload", API_ROUTES)
def test_api_sibling_gets_404(method, build, payload, scoped_tree, ward_admin, api_client_for):
    client = api_client_for(ward_admin)
    url = build(scoped_tree)
    assert_api_hidden(client, method, url, payload)


def test_sibling_search_finds_nothing_of_zone(scoped_tree, officer_b, client_for, api_client_for):
    response = client_for(officer_b).get("/units/search/", {"q": "dong bac"})
    assert response.status_code == 200
    assert "Đông Bắc" not in response.content.decode()
    data = api_client_for(officer_b).get("/api/v1/units", {"q": "dong bac"}).json()
    assert data == {"items": [], "count": 0}
