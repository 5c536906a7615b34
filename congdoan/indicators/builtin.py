"""Indicators the ``indicators`` app defines itself: they need nothing but the tree.

``org.active_grassroots_unions`` is also the worked example of the registry (see
``docs/indicators.md``): a count whose own rows are the grassroots unions themselves, each
attached to its own unit, with a drill-down list and history (from the units' simple-history
table) so that past dates can be backfilled.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congdoan.org.choices import UnitKind, UnitStatus
from congdoan.org.models import Unit

from .registry import Column, Indicator, Kind, Period, register, subtree_records

UNIT_COLUMNS = (
    Column(_("Code"), "code"),
    Column(_("Name"), "name"),
    Column(_("Employer"), "employer_name"),
    Column(_("Workers"), "worker_count"),
)


def _end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def no_change_without_tree_change(since: datetime) -> Iterable[int]:
    # Any change to a unit (status, kind, place) writes a unit history row, and the engine
    # recomputes everything after one: between tree changes this figure cannot move.
    return ()


def active_grassroots_unions(
    period: Period, units: Iterable[int] | None = None
) -> Iterator[tuple[int, int, int]]:
    """One row per active grassroots union, attached to itself, as at ``period.end``."""
    if period.end >= timezone.localdate():
        qs = Unit.objects.filter(kind=UnitKind.GRASSROOTS_UNION, status=UnitStatus.ACTIVE)
        ids = qs.order_by().values_list("id", flat=True)
    else:
        ids = (
            Unit.history.as_of(_end_of_day(period.end))
            .filter(kind=UnitKind.GRASSROOTS_UNION, status=UnitStatus.ACTIVE)
            .values_list("id", flat=True)
        )
    return ((unit_id, 1, 0) for unit_id in ids)


def grassroots_records(user, unit: Unit, period: Period, part: str) -> QuerySet[Unit]:
    return (
        subtree_records(Unit.objects.visible_to(user), unit, "path")
        .filter(kind=UnitKind.GRASSROOTS_UNION, status=UnitStatus.ACTIVE)
        .order_by("name_folded", "name")
    )


ACTIVE_GRASSROOTS_UNIONS = register(
    Indicator(
        code="org.active_grassroots_unions",
        name=_("Active grassroots unions"),
        description=_("Grassroots unions (CĐCS) in the subtree that are active on the date."),
        kind=Kind.COUNT,
        measure=_("unions"),
        numerator_label=_("active grassroots unions"),
        compute=active_grassroots_unions,
        changed_units=no_change_without_tree_change,
        history=True,
        records=grassroots_records,
        columns=UNIT_COLUMNS,
        record_url=lambda u: reverse("org:detail", args=[u.code]),
        order=900,
    )
)
