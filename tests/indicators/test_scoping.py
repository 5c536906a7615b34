"""An officer of the sibling subtree gets 404 on every indicators page and endpoint of ZONE."""

from __future__ import annotations

from datetime import date

import pytest

from congdoan.indicators.models import Target
from tests.scoping import ScopedRoute, assert_hidden

IND = "test.foreign_workers"

ROUTES = [
    ScopedRoute("indicators:dashboard", lambda t: f"/indicators/{t.zone.code}/"),
    ScopedRoute("indicators:dashboard", lambda t: f"/indicators/{t.gr_a1.code}/?i={IND}"),
    ScopedRoute("indicators:export_xlsx", lambda t: f"/indicators/{t.zone.code}/export.xlsx"),
    ScopedRoute("indicators:report_pdf", lambda t: f"/indicators/{t.zone.code}/report.pdf"),
    ScopedRoute(
        "indicators:records", lambda t: f"/indicators/{t.zone.code}/{IND}/records/?part=numerator"
    ),
    ScopedRoute(
        "indicators:records",
        lambda t: f"/indicators/{t.gr_a1.code}/org.active_grassroots_unions/records/",
    ),
    ScopedRoute(
        "indicators:below_target", lambda t: f"/indicators/{t.zone.code}/{IND}/below-target/"
    ),
    ScopedRoute("indicators:targets", lambda t: f"/indicators/{t.zone.code}/{IND}/targets/"),
    ScopedRoute(
        "indicators:targets",
        lambda t: f"/indicators/{t.zone.code}/{IND}/targets/",
        "post",
        {"value": "50", "deadline": "2030-12-31"},
    ),
    ScopedRoute(
        "indicators:delete_target",
        lambda t: f"/indicators/{t.zone.code}/targets/{t.zone_target.pk}/delete/",
        "post",
    ),
    # A sibling's target id through the officer's own unit: still 404.
    ScopedRoute(
        "indicators:delete_target",
        lambda t: f"/indicators/{t.ward.code}/targets/{t.zone_target.pk}/delete/",
        "post",
    ),
]

API_ROUTES = [
    lambda t: f"/api/v1/indicators?unit={t.zone.code}",
    lambda t: f"/api/v1/indicators?unit={t.gr_a1.code}",
    lambda t: f"/api/v1/indicators/{IND}/series?unit={t.zone.code}",
    lambda t: f"/api/v1/indicators/{IND}/series?unit={t.gr_a1.code}&from=2026-01-01&to=2026-02-01",
    lambda t: f"/api/v1/indicators/{IND}/children?unit={t.zone.code}",
]


@pytest.fixture
def scoped_tree(tree, admin_user, test_indicators):
    tree.zone_target = Target.objects.create(
        indicator=IND, unit=tree.zone, value=50, deadline=date(2030, 12, 31)
    )
    return tree


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.name}-{r.method}")
def test_sibling_admin_gets_404(route, scoped_tree, ward_admin, client_for):
    assert_hidden(client_for(ward_admin), route.build(scoped_tree), route.method, route.data)
    assert Target.objects.filter(pk=scoped_tree.zone_target.pk).exists()


@pytest.mark.parametrize("build", API_ROUTES)
def test_api_sibling_gets_404(build, scoped_tree, officer_b, api_client_for):
    response = api_client_for(officer_b).get(build(scoped_tree))
    assert response.status_code == 404, (response.status_code, response.content[:200])


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.name}-{r.method}")
def test_owner_is_not_hidden(route, scoped_tree, zone_admin, client_for):
    """The same routes answer the ZONE administrator (except the sibling-id trick)."""
    if "ward" in route.build.__code__.co_names:
        pytest.skip("addresses the sibling's unit")
    response = getattr(client_for(zone_admin), route.method)(
        route.build(scoped_tree), route.data or {}
    )
    assert response.status_code in (200, 302), response.status_code


def test_records_list_only_shows_scope(scoped_tree, officer_a, client_for):
    from congdoan.org.models import Unit

    Unit.objects.filter(code__in=["GR-A1", "GR-B1"]).update(worker_count=10)
    response = client_for(officer_a).get(f"/indicators/PROV/{IND}/records/?part=denominator")
    assert response.status_code == 404  # PROV itself is above officer_a's scope
    response = client_for(officer_a).get(f"/indicators/ZONE/{IND}/records/?part=denominator")
    body = response.content.decode()
    assert "GR-A1" in body and "GR-B1" not in body
