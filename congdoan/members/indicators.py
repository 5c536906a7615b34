"""Indicators of the member registry, registered with ``congdoan.indicators.registry``.

- ``members.active``: active members (a count; history from the members' history table).
- ``members.complete_data``: share of active members whose record is complete ("70 % of
  member data updated"); completeness is not kept in history, so no backfill.

A member is counted on the unit that holds the record (``Member.unit``).
"""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congdoan.indicators.registry import Column, Indicator, Kind, Part, Period, register

from .choices import MemberStatus
from .models import Member


def member_url(member) -> str:
    try:
        return reverse("members:detail", args=[member.pk])
    except NoReverseMatch:
        return ""


MEMBER_COLUMNS = (
    Column(_("Full name"), "full_name"),
    Column(_("Card number"), "card_number"),
    Column(_("Unit"), "unit.name"),
    Column(_("Completeness (%)"), "completeness"),
)


def changed_units(since) -> set[int]:
    """Every unit that held a member changed since ``since`` (old units of transfers included).

    Services and imports write a history row with every change, so the history table says who
    changed; all the units those members ever had is a small superset of the units touched.
    """
    changed = Member.history.filter(history_date__gte=since).values("id")
    return set(Member.history.filter(id__in=changed).values_list("unit_id", flat=True).distinct())


def active_members(period: Period, units=None):
    if period.end >= timezone.localdate():
        qs = Member.objects.filter(status=MemberStatus.ACTIVE)
    else:
        end_of_day = timezone.make_aware(datetime.combine(period.end, time.max))
        qs = Member.history.as_of(end_of_day).filter(status=MemberStatus.ACTIVE)
    if units is not None:
        qs = qs.filter(unit_id__in=list(units))
    return qs.order_by().values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n", "n")


def _active_in(user, unit):
    return (
        Member.objects.visible_to(user)
        .in_subtree(unit)
        .filter(status=MemberStatus.ACTIVE)
        .select_related("unit")
        .order_by("name_folded", "id")
    )


def active_records(user, unit, period: Period, part: str):
    return _active_in(user, unit)


def complete_data(period: Period, units=None):
    qs = Member.objects.filter(status=MemberStatus.ACTIVE)
    if units is not None:
        qs = qs.filter(unit_id__in=list(units))
    return (
        qs.order_by()
        .values("unit_id")
        .annotate(n=Count("id", filter=Q(is_complete=True)), d=Count("id"))
        .values_list("unit_id", "n", "d")
    )


def complete_records(user, unit, period: Period, part: str):
    qs = _active_in(user, unit)
    if part == Part.NUMERATOR:
        return qs.filter(is_complete=True)
    if part == Part.COMPLEMENT:
        return qs.filter(is_complete=False)
    return qs


register(
    Indicator(
        code="members.active",
        name=_("Active members"),
        description=_("Union members whose status is active on the date."),
        kind=Kind.COUNT,
        measure=_("members"),
        numerator_label=_("active members"),
        compute=active_members,
        changed_units=changed_units,
        history=True,
        records=active_records,
        columns=MEMBER_COLUMNS,
        record_url=member_url,
        order=10,
    )
)

register(
    Indicator(
        code="members.complete_data",
        name=_("Members with complete data"),
        description=_(
            "Share of active members whose record has every required field filled in and valid."
        ),
        kind=Kind.RATIO,
        numerator_label=_("with complete data"),
        denominator_label=_("active members"),
        compute=complete_data,
        changed_units=changed_units,
        records=complete_records,
        columns=MEMBER_COLUMNS,
        record_url=member_url,
        order=20,
    )
)
