"""Reading figures: a unit's cards, series, children ranked, targets and their status.

Everything here reads the stored :class:`~.models.Figure` intervals, never the domain data,
so a dashboard costs a handful of indexed queries whatever the size of the subtree. Callers
pass units they have already checked with ``org.queries.visible_unit``; the indicator and
target of a URL are looked up with :func:`indicator_or_404` and :func:`visible_target`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _

from congdoan.accounts.models import AnyUser
from congdoan.common.errors import visible_or_404
from congdoan.org.choices import GRASSROOTS_KINDS, UnitKind, UnitStatus
from congdoan.org.models import Unit
from congdoan.org.paths import ancestor_paths, parent_path

from . import registry
from .models import Figure, RefreshState, Target
from .projection import Projection, project
from .registry import Indicator, Kind

TREND_DAYS = 365
SPARK_POINTS = 40


@dataclass
class Point:
    day: date
    numerator: int
    denominator: int
    value: float | None


@dataclass
class TargetView:
    target: Target
    inherited_from: Unit | None
    projection: Projection

    @property
    def value(self) -> float:
        return float(self.target.value)

    @property
    def deadline(self) -> date:
        return self.target.deadline

    @property
    def status(self) -> str:
        return self.projection.status


@dataclass
class Card:
    indicator: Indicator
    numerator: int
    denominator: int
    value: float | None
    targets: list[TargetView] = field(default_factory=list)
    series: list[Point] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        """Whether the period has any figure to draw (not only "no data yet" days)."""
        return any(p.value is not None for p in self.series)

    @property
    def next_target(self) -> TargetView | None:
        """The first target not yet reached, else the last one."""
        for t in self.targets:
            if t.status != "reached":
                return t
        return self.targets[-1] if self.targets else None

    @property
    def sparkline(self) -> str:
        """SVG polyline points (100 × 30 box) of the series, for a print-friendly sparkline."""
        values = [p.value for p in self.series if p.value is not None]
        if len(values) < 2:
            return ""
        step = max(1, len(values) // SPARK_POINTS)
        values = values[::step] + ([values[-1]] if (len(values) - 1) % step else [])
        low, high = min(values), max(values)
        span = (high - low) or 1.0
        n = len(values) - 1
        return " ".join(
            f"{100 * i / n:.1f},{28 - 26 * (v - low) / span:.1f}" for i, v in enumerate(values)
        )


@dataclass
class ChildRow:
    unit: Unit
    numerator: int
    denominator: int
    value: float | None
    # The target the unit is measured against on the day (ratios only), see current_target.
    target: float | None = None

    @property
    def has_data(self) -> bool:
        """False when there is nothing to compute the figure from (a ratio without a
        denominator, a count without its base): shown as "no data yet", not as 0."""
        return self.value is not None

    @property
    def has_figure(self) -> bool:
        """Whether anything at all was counted for the unit (a stored figure)."""
        return bool(self.numerator or self.denominator)

    @property
    def gap(self) -> float | None:
        """Percentage points still missing to the target (0 when reached); None without one."""
        if self.target is None or self.value is None:
            return None
        return round(max(self.target - self.value, 0.0), 2)

    @property
    def below_target(self) -> bool:
        return bool(self.gap)


def expand(
    rows: list[tuple[date, date | None, int, int]], start: date, end: date, indicator: Indicator
) -> list[Point]:
    """Daily points over ``start … end`` from interval rows (missing day = zero).

    Days before the unit's first stored row are left out: there is no figure for them yet.
    """
    if not rows:
        return []
    rows = sorted(rows)
    first = max(start, rows[0][0])
    by_day: dict[date, tuple[int, int]] = {}
    for valid_from, valid_to, num, den in rows:
        day = max(valid_from, first)
        stop = min(valid_to - timedelta(days=1) if valid_to else end, end)
        while day <= stop:
            by_day[day] = (num, den)
            day += timedelta(days=1)
    points = []
    day = first
    while day <= end:
        num, den = by_day.get(day, (0, 0))
        points.append(Point(day, num, den, indicator.value(num, den)))
        day += timedelta(days=1)
    return points


def indicator_or_404(code: str) -> Indicator:
    """The registered indicator ``code``; a 404 for a code no app registers."""
    try:
        return registry.get(code)
    except KeyError as exc:
        raise Http404(_("No such indicator.")) from exc


def visible_target(user: AnyUser, unit: Unit, pk: int) -> Target:
    """Target ``pk`` set on ``unit`` (a unit the caller already found visible to ``user``),
    or the common 404: a target of another unit is not reachable through this one."""
    return visible_or_404(
        Target.objects.visible_to(user).filter(unit=unit).select_related("unit"), pk=pk
    )


def targets_set_on(unit: Unit, indicator: Indicator) -> list[Target]:
    """The targets of ``indicator`` set on ``unit`` itself (not inherited), soonest first."""
    return list(Target.objects.filter(indicator=indicator.code, unit=unit).order_by("deadline"))


def effective_targets(unit: Unit, codes: list[str]) -> dict[str, tuple[list[Target], Unit | None]]:
    """Per indicator: the targets that apply to ``unit`` and the ancestor they come from.

    A unit's own set wins; otherwise the nearest ancestor's set (ratios only: a count target
    belongs to the unit it was set on). One query.
    """
    rows = list(
        Target.objects.filter(
            indicator__in=codes, unit__path__in=ancestor_paths(unit.path, include_self=True)
        )
        .select_related("unit")
        .order_by("indicator", "-unit__depth", "deadline")
    )
    result: dict[str, tuple[list[Target], Unit | None]] = {}
    for target in rows:
        indicator = _safe_get(target.indicator)
        if indicator is None:
            continue
        if target.unit_id != unit.pk and indicator.kind == Kind.COUNT:
            continue
        chosen = result.get(target.indicator)
        if chosen is None:
            source = None if target.unit_id == unit.pk else target.unit
            result[target.indicator] = ([target], source)
        elif chosen[0][0].unit_id == target.unit_id:
            chosen[0].append(target)
    return result


def _safe_get(code: str) -> Indicator | None:
    try:
        return registry.get(code)
    except KeyError:
        return None


def target_views(
    indicator: Indicator,
    targets: list[Target],
    source: Unit | None,
    current: float | None,
    series: list[Point],
    day: date,
) -> list[TargetView]:
    trend_points = [
        (p.day, p.value)
        for p in series
        if p.value is not None and p.day > day - timedelta(days=TREND_DAYS)
    ]
    return [
        TargetView(t, source, project(current, float(t.value), t.deadline, trend_points, day))
        for t in sorted(targets, key=lambda t: t.deadline)
    ]


def unit_cards(
    unit: Unit, day: date, start: date, indicators: list[Indicator] | None = None
) -> list[Card]:
    """One card per indicator for ``unit`` on ``day``, with the series from ``start``. Two queries."""
    indicators = indicators if indicators is not None else registry.all_indicators()
    codes = [i.code for i in indicators]
    trend_start = min(start, day - timedelta(days=TREND_DAYS))
    rows: dict[str, list] = defaultdict(list)
    for code, valid_from, valid_to, num, den in (
        Figure.objects.filter(unit=unit, indicator__in=codes)
        .overlapping(trend_start, day)
        .values_list("indicator", "valid_from", "valid_to", "numerator", "denominator")
    ):
        rows[code].append((valid_from, valid_to, num, den))
    targets = effective_targets(unit, codes)
    cards = []
    for indicator in indicators:
        full = expand(rows.get(indicator.code, []), trend_start, day, indicator)
        current = _on(rows.get(indicator.code, []), day)
        value = indicator.value(*current)
        own_targets, source = targets.get(indicator.code, ([], None))
        cards.append(
            Card(
                indicator=indicator,
                numerator=current[0],
                denominator=current[1],
                value=value,
                targets=target_views(indicator, own_targets, source, value, full, day),
                series=[p for p in full if p.day >= start],
            )
        )
    return cards


def _on(rows, day: date) -> tuple[int, int]:
    for valid_from, valid_to, num, den in rows:
        if valid_from <= day and (valid_to is None or valid_to > day):
            return num, den
    return 0, 0


def card(unit: Unit, indicator: Indicator, day: date, start: date) -> Card:
    return unit_cards(unit, day, start, [indicator])[0]


def current_target(targets: list[Target], day: date) -> Target | None:
    """The milestone a unit is measured against on ``day``: the soonest target whose deadline
    has not passed, else the last one (80 % by 2027 before 100 % by 2030)."""
    ordered = sorted(targets, key=lambda t: t.deadline)
    return next((t for t in ordered if t.deadline >= day), ordered[-1] if ordered else None)


def current_targets(
    indicator: Indicator, within: Unit, units: list[Unit], day: date
) -> dict[int, float]:
    """Per unit of ``units`` (all in ``within``'s subtree): the value of its current target.

    Each unit follows its own set or its nearest ancestor's (ratios only: a count target
    belongs to the unit it was set on and means nothing below it). One query.
    """
    if not indicator.is_ratio or not units:
        return {}
    by_path: dict[str, list[Target]] = defaultdict(list)
    for target in (
        Target.objects.filter(indicator=indicator.code).concerning(within).select_related("unit")
    ):
        by_path[target.unit.path].append(target)
    if not by_path:
        return {}
    result = {}
    for unit in units:
        for path in reversed(ancestor_paths(unit.path, include_self=True)):
            if path in by_path:
                chosen = current_target(by_path[path], day)
                if chosen is not None:
                    result[unit.pk] = float(chosen.value)
                break
    return result


def _rows(indicator: Indicator, units: list[Unit], day: date, unit_ids=None) -> list[ChildRow]:
    """Figures on ``day`` of ``units``; ``unit_ids`` (a subquery) replaces a long id list."""
    figures = {
        unit_id: (num, den)
        for unit_id, num, den in Figure.objects.filter(
            indicator=indicator.code,
            unit__in=unit_ids if unit_ids is not None else [u.pk for u in units],
        )
        .on(day)
        .values_list("unit_id", "numerator", "denominator")
    }
    rows = []
    for u in units:
        num, den = figures.get(u.pk, (0, 0))
        rows.append(ChildRow(u, num, den, indicator.value(num, den)))
    return rows


def children_ranked(
    unit: Unit,
    indicator: Indicator,
    day: date,
    include_inactive: bool = False,
    laggards_first: bool | None = None,
) -> list[ChildRow]:
    """The unit's children with their figure and current target on ``day``. Three queries.

    Percentages are ranked laggards first by default (who needs help), counts best first;
    units with no data come last either way.
    """
    children = list(_children(unit, include_inactive))
    rows = _rows(indicator, children, day)
    targets = current_targets(indicator, unit, children, day)
    for row in rows:
        row.target = targets.get(row.unit.pk)
    if laggards_first is None:
        laggards_first = indicator.is_ratio
    sign = 1 if laggards_first else -1
    rows.sort(key=lambda r: (r.value is None, sign * (r.value or 0), -r.denominator, r.unit.name))
    return rows


# The grassroots level of each family: where members are recorded and targets are met.
# Union groups and farmers' branches sit inside a grassroots union and are left out.
GRASSROOTS_UNION_KINDS = GRASSROOTS_KINDS - {UnitKind.UNION_GROUP, UnitKind.FARMERS_BRANCH}


def grassroots_below_target(unit: Unit, indicator: Indicator, day: date) -> list[ChildRow]:
    """Every active grassroots union in ``unit``'s subtree whose figure on ``day`` is below
    its current target, the furthest behind first. Three queries, whatever the depth."""
    if not indicator.is_ratio:
        return []
    grassroots = Unit.objects.subtree_of(unit).filter(
        kind__in=GRASSROOTS_UNION_KINDS, status=UnitStatus.ACTIVE
    )
    units = list(grassroots.order_by("path"))
    targets = current_targets(indicator, unit, units, day)
    units = [u for u in units if u.pk in targets]
    rows = _rows(indicator, units, day, grassroots.values("pk"))
    below = []
    for row in rows:
        row.target = targets[row.unit.pk]
        if row.below_target:
            below.append(row)
    below.sort(key=lambda r: (-(r.gap or 0), -r.denominator, r.unit.name))
    return below


def _children(unit: Unit, include_inactive: bool = False):
    children = Unit.objects.subtree_of(unit).filter(depth=unit.depth + 1)
    return children if include_inactive else children.filter(status=UnitStatus.ACTIVE)


def parent_names(units: list[Unit]) -> dict[int, str]:
    """Per unit: the name of its parent (one query, for a list's "under" column)."""
    wanted = {u.pk: parent_path(u.path) for u in units if u.depth > 1}
    names = dict(Unit.objects.filter(path__in=set(wanted.values())).values_list("path", "name"))
    return {pk: names.get(path, "") for pk, path in wanted.items()}


@dataclass
class ExportTable:
    """The .xlsx export: every indicator, for the unit itself and then each active child."""

    indicators: list[Indicator]
    # (unit, [(value, numerator, denominator) per indicator])
    rows: list[tuple[Unit, list[tuple[float | None, int, int]]]]


def export_table(unit: Unit, day: date) -> ExportTable:
    """Figures of every indicator on ``day`` for ``unit`` and its active children. Two queries."""
    indicators = registry.all_indicators()
    children = list(_children(unit).order_by("name_folded", "name"))
    figures = {
        (code, unit_id): (n, d)
        for code, unit_id, n, d in Figure.objects.filter(
            unit__in=[unit.pk] + [c.pk for c in children]
        )
        .on(day)
        .values_list("indicator", "unit_id", "numerator", "denominator")
    }
    rows = []
    for row_unit in [unit, *children]:
        cells = []
        for indicator in indicators:
            n, d = figures.get((indicator.code, row_unit.pk), (0, 0))
            cells.append((indicator.value(n, d), n, d))
        rows.append((row_unit, cells))
    return ExportTable(indicators, rows)


def subtree_figure(unit: Unit, indicator: Indicator, day: date) -> tuple[int, int]:
    row = (
        Figure.objects.filter(indicator=indicator.code, unit=unit)
        .on(day)
        .values_list("numerator", "denominator")
        .first()
    )
    return row or (0, 0)


def series(unit: Unit, indicator: Indicator, start: date, end: date) -> list[Point]:
    rows = list(
        Figure.objects.filter(indicator=indicator.code, unit=unit)
        .overlapping(start, end)
        .values_list("valid_from", "valid_to", "numerator", "denominator")
    )
    return expand(rows, start, end, indicator)


def refreshed_at() -> datetime | None:
    """When the figures were last computed (the oldest indicator's last refresh)."""
    codes = [i.code for i in registry.all_indicators()]
    times = [
        t
        for t in RefreshState.objects.filter(indicator__in=codes).values_list(
            "refreshed_at", flat=True
        )
        if t
    ]
    return min(times) if times and len(times) == len(codes) else None


def as_decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 2)))
