"""The indicator registry: how a domain app declares the figures it contributes.

The ``indicators`` app computes, stores, rolls up and shows indicators without importing any
domain app (it knows only ``org``). Each app declares its own in ``<app>/indicators.py``;
``IndicatorsConfig.ready()`` imports every such module at start-up (the admin pattern), and
the module registers its definitions with :func:`register`.

An indicator answers one question per unit: *for the records attached directly to this
unit*, what are the numerator and the denominator? (A count has no denominator; leave it 0.)
The engine sums those "own" rows up the tree by path prefix, so a unit's figure is always its
own rows plus the sum of its children's figures, at every level.

Example (``congdoan/members/indicators.py``)::

    from django.db.models import Count, Q
    from django.utils.translation import gettext_lazy as _

    from congdoan.indicators.registry import (
        Column, Indicator, Kind, Period, part_records, register, subtree_records,
    )

    from .models import Member


    def _complete(period: Period):
        # Rows for every unit that has members: (unit_id, complete, active).
        return (
            Member.objects.filter(status="active")
            .values("unit_id")
            .annotate(n=Count("id", filter=Q(is_complete=True)), d=Count("id"))
            .values_list("unit_id", "n", "d")
        )


    def _records(user, unit, period, part):
        active = subtree_records(Member.objects.visible_to(user), unit).filter(status="active")
        # numerator: complete; complement: in the denominator, not (yet) in the numerator
        return part_records(active, part, Q(is_complete=True))


    register(Indicator(
        code="members.complete_data",
        name=_("Members with complete data"),
        kind=Kind.RATIO,
        compute=_complete,
        records=_records,
        columns=[Column(_("Name"), "full_name"), Column(_("Unit"), "unit.name")],
        record_url=lambda m: reverse("members:detail", args=[m.pk]),
        order=20,
    ))

Rules for ``compute``:

- It receives a :class:`Period`. A *stock* indicator (members, shares) counts the state at
  ``period.end``; a *flow* indicator (``flow=True``: people trained, sessions held) counts
  events with a date in ``period.start … period.end``. The engine's snapshots use the
  calendar year to date, so a flow figure on a date means "so far this year".
- Return ``(unit_id, numerator, denominator)`` rows; omitted units count as zero; one row per
  unit (rows for the same unit are added up). Attach a record to the unit it belongs to
  directly, never to an ancestor: the engine does the rollup.
- A count leaves the denominator 0 (or repeats the numerator), unless it declares
  ``base_label``: then the denominator is the number of records it counts among (officers
  identified, for officers trained), and a unit without any shows "no data yet", not 0.
- It must not filter by user: figures are the organisation's, scoping applies when they are
  read (dashboards show only units in the reader's scope) and in ``records``.
- Set ``history=True`` only when ``compute`` gives the right answer for a past
  ``period.end`` (for instance by reading simple-history tables or dated records); the
  backfill command refuses indicators without it.

Optional ``changed_units(since)`` makes the once-a-minute refresh incremental: return the ids
of units whose own rows may have changed since ``since`` (a superset is fine; ``None`` asks
for a full recompute), and accept ``compute(period, units=ids)``, returning rows for those
units only. The engine still recomputes everything every hour, on a new day and after any
change to the tree.

``records(user, unit, period, part)`` returns the records behind a figure for ``unit``'s
subtree, already scoped with the app's own ``visible_to(user)``; ``part`` is
``"numerator"``, ``"denominator"`` or ``"complement"`` (in the denominator but not the
numerator: the members *not yet* meeting the definition). ``columns`` say what the list shows.
:func:`subtree_records` and :func:`part_records` are the two steps most ``records`` share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from congdoan.org.paths import prefix_q

# (unit_id, numerator, denominator)
Row = tuple[int, int, int]


class Kind(StrEnum):
    RATIO = "ratio"  # numerator / denominator, shown as a percentage
    COUNT = "count"  # numerator only


class Part(StrEnum):
    NUMERATOR = "numerator"
    DENOMINATOR = "denominator"
    COMPLEMENT = "complement"


@dataclass(frozen=True)
class Period:
    """The dates a figure is computed for: ``start`` matters only to flow indicators."""

    start: date
    end: date

    @classmethod
    def year_to_date(cls, as_of: date) -> Period:
        return cls(date(as_of.year, 1, 1), as_of)


@dataclass(frozen=True)
class Column:
    """One column of a drill-down list: a label and a dotted attribute path or a callable."""

    label: Any
    accessor: str | Callable[[Any], Any]

    def value(self, obj: Any) -> Any:
        if callable(self.accessor):
            return self.accessor(obj)
        value = obj
        for part in self.accessor.split("."):
            value = getattr(value, part, None)
            if value is None:
                return ""
        if callable(value):
            value = value()
        return value


@dataclass(frozen=True)
class Indicator:
    """The definition of one indicator; see the module docstring for the contract."""

    code: str
    name: Any  # a lazy translation
    kind: Kind
    compute: Callable[[Period], Iterable[Row]]
    description: Any = ""
    # What is counted, e.g. _("members"); shown after counts.
    measure: Any = ""
    # Labels of the two parts of a ratio, e.g. _("with complete data") / _("active members").
    numerator_label: Any = ""
    denominator_label: Any = ""
    # A count may say what it counts among, e.g. _("officers identified"): its rows then give
    # that base as the denominator, and a figure with no base is "no data yet", not a zero
    # (officers trained where no officer can be told from the other members).
    base_label: Any = ""
    flow: bool = False
    history: bool = False
    records: Callable[[Any, Any, Period, str], Any] | None = None
    columns: Sequence[Column] = field(default_factory=tuple)
    record_url: Callable[[Any], str] | None = None
    # Optional, for the once-a-minute incremental refresh: ids of units whose own rows may
    # have changed since a datetime (a superset is fine), or None for "cannot tell". An
    # indicator that sets it must accept ``compute(period, units=ids)`` returning only those.
    changed_units: Callable[[Any], Iterable[int] | None] | None = None
    # Lower first on dashboards.
    order: int = 100

    @property
    def has_records(self) -> bool:
        # Templates call callables they meet, so they test this instead of ``records``.
        return self.records is not None

    @property
    def is_ratio(self) -> bool:
        return self.kind == Kind.RATIO

    def value(self, numerator: int, denominator: int) -> float | None:
        """The figure shown: a percentage for a ratio, else the count; None when there is no
        data to compute it from (a ratio without a denominator, a count without its base)."""
        if self.kind == Kind.RATIO:
            if not denominator:
                return None
            return round(100.0 * numerator / denominator, 2)
        if self.base_label and not denominator:
            return None
        return float(numerator)

    @property
    def parts(self) -> list[tuple[str, Any]]:
        """The drill-down lists this indicator offers."""
        if self.records is None:
            return []
        if self.kind == Kind.COUNT:
            return [(Part.NUMERATOR, self.numerator_label or self.name)]
        return [
            (Part.NUMERATOR, self.numerator_label or _("counted")),
            (Part.COMPLEMENT, _("not yet counted")),
            (Part.DENOMINATOR, self.denominator_label or _("all")),
        ]


class AlreadyRegistered(Exception):
    pass


_registry: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    """Add ``indicator``; registering the same code twice is an error (unless identical)."""
    if not indicator.code or len(indicator.code) > 64:
        raise ValueError("an indicator code has 1–64 characters")
    existing = _registry.get(indicator.code)
    if existing is not None and existing is not indicator:
        if existing.compute is indicator.compute:
            return existing  # module imported twice under the same name
        raise AlreadyRegistered(indicator.code)
    _registry[indicator.code] = indicator
    return indicator


def unregister(code: str) -> None:
    """Remove an indicator (tests register throwaway ones)."""
    _registry.pop(code, None)


def get(code: str) -> Indicator:
    """The indicator with ``code``; raises ``KeyError``."""
    return _registry[code]


def all_indicators() -> list[Indicator]:
    return sorted(_registry.values(), key=lambda i: (i.order, i.code))


def subtree_records(queryset: QuerySet, unit: Any, field: str = "unit__path") -> QuerySet:
    """``queryset`` (already scoped with its model's ``visible_to(user)``) narrowed to the
    records of ``unit``'s subtree, by the path at ``field``: where a ``records`` starts."""
    return queryset.filter(prefix_q(unit.path, field))


def part_records(queryset: QuerySet, part: str, counted: Q) -> QuerySet:
    """The records of one ``part`` of a ratio whose numerator is the records matching
    ``counted``: those (numerator), the others (complement), or all (denominator)."""
    if part == Part.NUMERATOR:
        return queryset.filter(counted)
    if part == Part.COMPLEMENT:
        return queryset.exclude(counted)
    return queryset


def discover() -> None:
    """Import ``<app>.indicators`` for every project app (called once from ``ready()``)."""
    for config in apps.get_app_configs():
        if not config.name.startswith("congdoan."):
            continue
        module_name = f"{config.name}.indicators"
        if config.label == "indicators":
            module_name = "congdoan.indicators.builtin"
        try:
            import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
