"""Rollups are exact: every stored figure equals the sum of the raw own rows of its subtree."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from congdoan.indicators import registry, snapshots
from congdoan.indicators.models import Figure
from congdoan.org.choices import UnitKind
from congdoan.org.models import Unit
from tests.conftest import make_unit

from .conftest import FEED


def brute_force(rows, units):
    """Figure of every unit from raw rows, without the engine: sum over path prefixes."""
    path = {u.pk: u.path for u in units}
    result = {}
    for u in units:
        num = sum(n for uid, n, d in rows if path[uid].startswith(u.path))
        den = sum(d for uid, n, d in rows if path[uid].startswith(u.path))
        if num or den:
            result[u.pk] = (num, den)
    return result


def stored(code, day):
    return {
        uid: (n, d)
        for uid, n, d in Figure.objects.filter(indicator=code)
        .on(day)
        .values_list("unit_id", "numerator", "denominator")
    }


def test_builtin_counts_active_grassroots_unions(tree, test_indicators):
    snapshots.refresh()
    today = timezone.localdate()
    figures = stored("org.active_grassroots_unions", today)
    assert figures[tree.prov.pk] == (3, 0)
    assert figures[tree.zone.pk] == (2, 0)
    assert figures[tree.gr_b1.pk] == (1, 0)


def test_change_shows_after_refresh_and_history_is_kept(tree, test_indicators):
    today = timezone.localdate()
    Unit.objects.filter(pk=tree.gr_a1.pk).update(worker_count=100, ownership="foreign_invested")
    Unit.objects.filter(pk=tree.gr_b1.pk).update(worker_count=300)
    snapshots.refresh(today - timedelta(days=1), ["test.foreign_workers"])
    snapshots.refresh(today, ["test.foreign_workers"])
    assert stored("test.foreign_workers", today)[tree.prov.pk] == (100, 400)
    Unit.objects.filter(pk=tree.gr_a2.pk).update(worker_count=100, ownership="foreign_invested")
    snapshots.refresh(today, ["test.foreign_workers"])
    assert stored("test.foreign_workers", today)[tree.prov.pk] == (200, 500)
    # Yesterday is untouched; the first refresh of today closed yesterday's rows.
    assert stored("test.foreign_workers", today - timedelta(days=1))[tree.prov.pk] == (100, 400)
    # A second refresh the same day updates today's row in place: one row per unit and day.
    assert Figure.objects.filter(indicator="test.foreign_workers", unit=tree.prov).count() == 2


def test_backfill_in_the_middle_keeps_later_rows(tree, test_indicators):
    d0 = date(2026, 1, 1)
    FEED["rows"] = [(tree.gr_a1.pk, 1, 2)]
    snapshots.refresh(d0, ["test.fed"])
    FEED["rows"] = [(tree.gr_a1.pk, 5, 5)]
    snapshots.refresh(d0 + timedelta(days=10), ["test.fed"])
    FEED["rows"] = [(tree.gr_a1.pk, 3, 4)]
    snapshots.refresh(d0 + timedelta(days=5), ["test.fed"])
    assert stored("test.fed", d0 + timedelta(days=4))[tree.prov.pk] == (1, 2)
    assert stored("test.fed", d0 + timedelta(days=5))[tree.prov.pk] == (3, 4)
    assert stored("test.fed", d0 + timedelta(days=9))[tree.prov.pk] == (3, 4)
    assert stored("test.fed", d0 + timedelta(days=10))[tree.prov.pk] == (5, 5)
    FEED["rows"] = []
    snapshots.refresh(d0 + timedelta(days=7), ["test.fed"])
    assert stored("test.fed", d0 + timedelta(days=8)) == {}
    assert stored("test.fed", d0 + timedelta(days=10))[tree.prov.pk] == (5, 5)


def test_past_date_needs_history(tree, test_indicators):
    with pytest.raises(ValueError):
        snapshots.refresh(timezone.localdate() - timedelta(days=1), ["test.workers"])


def test_rebuild_every_figure_from_raw_records(tree, test_indicators):
    """Recompute every indicator from the raw data and compare with what is stored."""
    Unit.objects.filter(pk=tree.gr_a1.pk).update(worker_count=120, ownership="foreign_invested")
    Unit.objects.filter(pk=tree.zone.pk).update(worker_count=7)
    Unit.objects.filter(pk=tree.gr_b1.pk).update(worker_count=55)
    FEED["rows"] = [(tree.gr_a2.pk, 2, 3), (tree.ward.pk, 1, 1)]
    snapshots.refresh()
    today = timezone.localdate()
    units = list(Unit.objects.all())
    for indicator in registry.all_indicators():
        raw = [
            (u, int(n), int(d))
            for u, n, d in indicator.compute(snapshots.period_for(indicator, today))
        ]
        assert stored(indicator.code, today) == brute_force(raw, units), indicator.code


tree_shapes = st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=25)
own_rows = st.lists(
    st.tuples(st.integers(min_value=0, max_value=40), st.integers(0, 50), st.integers(0, 50)),
    max_size=40,
)


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shape=tree_shapes, rows_a=own_rows, rows_b=own_rows)
def test_rollup_exact_on_random_trees(test_indicators, shape, rows_a, rows_b):
    """Random tree, two successive refreshes: stored = brute force, parent = own + Σ children."""
    Figure.objects.all().delete()
    Unit.objects.all().delete()
    units = [make_unit(None, "R", "Gốc", UnitKind.PROVINCIAL_FEDERATION)]
    for i, parent_index in enumerate(shape):
        parent = units[parent_index % len(units)]
        units.append(make_unit(parent, f"U{i}", f"Đơn vị {i}", UnitKind.COMMUNE_UNION))
    units = list(Unit.objects.all())
    today = timezone.localdate()
    for rows in (rows_a, rows_b):
        FEED["rows"] = [(units[i % len(units)].pk, n, d) for i, n, d in rows]
        snapshots.refresh(today, ["test.fed"])
        figures = stored("test.fed", today)
        assert figures == brute_force(FEED["rows"], units)
        own = {
            r.unit_id: (r.own_numerator, r.own_denominator)
            for r in Figure.objects.filter(indicator="test.fed").on(today)
        }
        for u in units:
            children = [c for c in units if c.depth == u.depth + 1 and c.path.startswith(u.path)]
            expect = tuple(
                own.get(u.pk, (0, 0))[k] + sum(figures.get(c.pk, (0, 0))[k] for c in children)
                for k in (0, 1)
            )
            assert figures.get(u.pk, (0, 0)) == expect


@pytest.mark.django_db
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows_a=own_rows, rows_b=own_rows)
def test_incremental_equals_full(tree, test_indicators, rows_a, rows_b):
    """Incremental refresh over random changes gives exactly what a full recompute gives."""
    from dataclasses import replace

    from congdoan.indicators.models import RefreshState

    Figure.objects.all().delete()
    RefreshState.objects.all().delete()
    units = list(Unit.objects.all())
    inc = replace(
        registry.get("test.fed"),
        code="test.fed_inc",
        compute=lambda period, units=None: [
            r for r in FEED["rows"] if units is None or r[0] in units
        ],
        changed_units=lambda since: {r[0] for r in FEED["old"] + FEED["rows"]},
    )
    registry.register(inc)
    today = timezone.localdate()
    FEED["rows"], FEED["old"] = [(units[i % len(units)].pk, n, d) for i, n, d in rows_a], []
    snapshots.refresh(today, ["test.fed_inc"])
    Unit.history.update(history_date=timezone.now() - timedelta(days=1))  # no tree change since
    FEED["old"], FEED["rows"] = (
        FEED["rows"],
        [(units[i % len(units)].pk, n, d) for i, n, d in rows_b],
    )
    full = snapshots.compute
    snapshots.compute = None  # the incremental path must not fall back to a full recompute
    try:
        snapshots.refresh(today, ["test.fed_inc"], incremental=True)
    finally:
        snapshots.compute = full
    assert stored("test.fed_inc", today) == brute_force(FEED["rows"], units)
    registry.unregister("test.fed_inc")
