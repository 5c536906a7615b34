"""Indicators over the API: a unit's figures with their targets, and one indicator's series."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from congdoan.common.api_schemas import responses
from congdoan.org.models import Unit
from congdoan.org.queries import visible_unit

from . import queries, services
from .forms import MAX_DAYS
from .queries import indicator_or_404

PREFIX = "indicators"
router = Router(tags=["indicators"])


class TargetOut(Schema):
    value: float
    deadline: date
    status: str
    projected_date: date | None
    set_at: str


class IndicatorOut(Schema):
    code: str
    name: str
    kind: str
    value: float | None
    numerator: int
    denominator: int
    as_of: date
    targets: list[TargetOut]


class PointOut(Schema):
    date: date
    value: float | None
    numerator: int
    denominator: int


class SeriesOut(Schema):
    code: str
    unit: str
    start: date
    end: date
    points: list[PointOut]
    targets: list[TargetOut]


class ChildOut(Schema):
    unit: str
    name: str
    value: float | None
    numerator: int
    denominator: int


def _day(value: date | None) -> date:
    today = timezone.localdate()
    if value is not None and value > today:
        raise ValidationError({"date": _("The date cannot be in the future.")})
    return value or today


def _targets(card, unit: Unit) -> list[dict]:
    return [
        {
            "value": t.value,
            "deadline": t.deadline,
            "status": t.status,
            "projected_date": t.projection.projected_date,
            "set_at": t.inherited_from.code if t.inherited_from else unit.code,
        }
        for t in card.targets
    ]


@router.get("", response=responses({200: list[IndicatorOut]}, 400, 401, 403, 404, 422))
def list_indicators(request, unit: str, date: date | None = None):
    """Every indicator for ``unit``'s subtree on ``date`` (today by default), with its targets."""
    u = visible_unit(request.user, unit)
    day = _day(date)
    services.ensure_fresh()
    cards = queries.unit_cards(u, day, day)
    return 200, [
        {
            "code": c.indicator.code,
            "name": str(c.indicator.name),
            "kind": c.indicator.kind.value,
            "value": c.value,
            "numerator": c.numerator,
            "denominator": c.denominator,
            "as_of": day,
            "targets": _targets(c, u),
        }
        for c in cards
    ]


class SeriesIn(Schema):
    unit: str
    start: date | None = Field(None, alias="from")
    end: date | None = Field(None, alias="to")


@router.get("/{code}/series", response=responses({200: SeriesOut}, 400, 401, 403, 404, 422))
def indicator_series(request, code: str, params: Query[SeriesIn]):
    """Daily figures of ``code`` for ``unit`` from ``from`` to ``to`` (the last 180 days by default)."""
    u = visible_unit(request.user, params.unit)
    indicator = indicator_or_404(code)
    end = _day(params.end)
    start = params.start or end - timedelta(days=180)
    if start > end:
        raise ValidationError({"from": _("The start must be on or before the end.")})
    if (end - start).days > MAX_DAYS:
        raise ValidationError({"from": _("A period can be at most three years long.")})
    card = queries.card(u, indicator, end, start)
    return 200, {
        "code": indicator.code,
        "unit": u.code,
        "start": start,
        "end": end,
        "points": [
            {
                "date": p.day,
                "value": p.value,
                "numerator": p.numerator,
                "denominator": p.denominator,
            }
            for p in queries.series(u, indicator, start, end)
        ],
        "targets": _targets(card, u),
    }


@router.get("/{code}/children", response=responses({200: list[ChildOut]}, 400, 401, 403, 404, 422))
def indicator_children(request, code: str, unit: str, date: date | None = None):
    """``unit``'s sub-units ranked by ``code`` on ``date``."""
    u = visible_unit(request.user, unit)
    indicator = indicator_or_404(code)
    rows = queries.children_ranked(u, indicator, _day(date), laggards_first=False)
    return 200, [
        {
            "unit": r.unit.code,
            "name": r.unit.name,
            "value": r.value,
            "numerator": r.numerator,
            "denominator": r.denominator,
        }
        for r in rows
    ]
