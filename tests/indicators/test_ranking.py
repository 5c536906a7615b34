"""Ranking sub-units: laggards first for percentages, the gap to target, and every grassroots
union of a subtree that is below its target in one list."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congdoan.indicators import queries, registry, services, snapshots
from congdoan.org.choices import UnitKind
from congdoan.org.models import Unit
from tests.conftest import make_unit

IND = "test.foreign_workers"


@pytest.fixture
def ranked(tree, admin_user, test_indicators):
    # GR-A1 100 % foreign but its union group 0 % (GR-A1: 50 %), GR-A2 0 % (ZONE: 100 / 500
    # = 20 %), GR-B1 0 %
    Unit.objects.filter(pk=tree.gr_a1.pk).update(worker_count=100, ownership="foreign_invested")
    Unit.objects.filter(pk=tree.gr_a2.pk).update(worker_count=300)
    Unit.objects.filter(pk=tree.gr_b1.pk).update(worker_count=100)
    make_unit(tree.gr_a1, "GR-A1-T1", "Tổ công đoàn 1", UnitKind.UNION_GROUP, worker_count=100)
    snapshots.refresh()
    services.set_target(admin_user, tree.prov, IND, 80, date(2030, 12, 31))
    return tree


def test_percentages_rank_laggards_first_with_gap_to_target(ranked, admin_user, client_for):
    client = client_for(admin_user)
    rows = client.get(f"/indicators/PROV/?i={IND}").context["children"]
    assert [(r.unit.code, r.value, r.target, r.gap) for r in rows] == [
        ("WARD", 0.0, 80.0, 80.0),
        ("ZONE", 20.0, 80.0, 60.0),
    ]
    response = client.get(f"/indicators/PROV/?i={IND}&order=best")
    assert [r.unit.code for r in response.context["children"]] == ["ZONE", "WARD"]
    body = client.get(f"/indicators/PROV/?i={IND}").content.decode()
    assert 'data-testid="gap"' in body and "60,0" in body


def test_counts_rank_largest_first(ranked, admin_user, client_for):
    rows = client_for(admin_user).get("/indicators/PROV/?i=test.workers").context["children"]
    assert [r.unit.code for r in rows] == ["ZONE", "WARD"]  # 500 vs 100
    assert rows[0].target is None and rows[0].gap is None


def test_a_units_own_target_replaces_the_inherited_one_in_the_gap(ranked, admin_user):
    services.set_target(admin_user, ranked.zone, IND, 20, date(2030, 12, 31))
    rows = queries.children_ranked(ranked.prov, registry.get(IND), date.today())
    assert {r.unit.code: r.gap for r in rows} == {"WARD": 80.0, "ZONE": 0.0}


def test_below_target_lists_every_grassroots_union_of_the_subtree(ranked, admin_user, client_for):
    response = client_for(admin_user).get(f"/indicators/PROV/{IND}/below-target/")
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    # two levels down, across both branches, furthest behind first; the union group (0 %) is
    # not a grassroots union and is left out
    assert [(r.unit.code, r.gap) for r in rows] == [
        ("GR-A2", 80.0),
        ("GR-B1", 80.0),
        ("GR-A1", 30.0),
    ]
    body = response.content.decode()
    assert ranked.zone.name in body and ranked.ward.name in body  # the "under" column
    zone_rows = client_for(admin_user).get(f"/indicators/ZONE/{IND}/below-target/")
    assert [r.unit.code for r in zone_rows.context["page"].object_list] == ["GR-A2", "GR-A1"]


def test_below_target_is_linked_from_the_dashboard_and_only_for_percentages(
    ranked, admin_user, client_for
):
    client = client_for(admin_user)
    body = client.get(f"/indicators/PROV/?i={IND}").content.decode()
    assert f"/indicators/PROV/{IND}/below-target/" in body
    assert client.get("/indicators/PROV/test.workers/below-target/").status_code == 404


def test_below_target_officer_of_the_zone_sees_only_the_zone(ranked, officer_a, client_for):
    client = client_for(officer_a)
    assert client.get(f"/indicators/PROV/{IND}/below-target/").status_code == 404
    rows = client.get(f"/indicators/ZONE/{IND}/below-target/").context["page"].object_list
    assert [r.unit.code for r in rows] == ["GR-A2", "GR-A1"]


def test_below_target_query_count_does_not_grow_with_units(ranked, admin_user, client_for):
    client = client_for(admin_user)
    url = f"/indicators/PROV/{IND}/below-target/"
    client.get(url)  # warm the session and the scope
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(12):
        make_unit(
            ranked.ward,
            f"NEW-{i}",
            f"Công đoàn cơ sở {i}",
            UnitKind.GRASSROOTS_UNION,
            worker_count=10,
        )
    snapshots.refresh()
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert response.context["total"] == 15
    assert len(after) == len(before), [q["sql"][:120] for q in after.captured_queries]
