"""Test-only indicators that need nothing but the tree: units' worker counts."""

from __future__ import annotations

import pytest
from django.db.models import Q, Sum

from congdoan.indicators import registry
from congdoan.indicators.registry import Column, Indicator, Kind, Period
from congdoan.org.models import Unit

FEED: dict[str, list[tuple[int, int, int]]] = {}


def _foreign_workers(period: Period):
    """Numerator: workers of foreign-invested units; denominator: all workers (own unit)."""
    return [
        (u.pk, u.worker_count if u.ownership == "foreign_invested" else 0, u.worker_count)
        for u in Unit.objects.filter(worker_count__isnull=False)
    ]


def _foreign_records(user, unit, period, part):
    qs = registry.subtree_records(Unit.objects.visible_to(user), unit, "path")
    return registry.part_records(
        qs.filter(worker_count__isnull=False), part, Q(ownership="foreign_invested")
    )


FOREIGN = Indicator(
    code="test.foreign_workers",
    name="Workers at foreign-invested units",
    kind=Kind.RATIO,
    compute=_foreign_workers,
    records=_foreign_records,
    history=True,
    columns=(Column("Code", "code"), Column("Workers", "worker_count")),
    order=1,
)


def _fed(period: Period):
    return list(FEED.get("rows", []))


FED = Indicator(
    code="test.fed", name="Fed rows", kind=Kind.RATIO, compute=_fed, history=True, order=2
)


def _workers(period: Period):
    return (
        Unit.objects.filter(worker_count__isnull=False)
        .values_list("id")
        .annotate(n=Sum("worker_count"))
        .values_list("id", "n", "n")
    )


WORKERS = Indicator(code="test.workers", name="Workers", kind=Kind.COUNT, compute=_workers, order=3)


@pytest.fixture
def test_indicators(db):
    """Only the test indicators and the built-in one are registered during the test."""
    saved = dict(registry._registry)
    keep = {c: i for c, i in saved.items() if c.startswith("org.")}
    registry._registry.clear()
    registry._registry.update(keep)
    for indicator in (FOREIGN, FED, WORKERS):
        registry.register(indicator)
    FEED.clear()
    yield
    registry._registry.clear()
    registry._registry.update(saved)
