"""Indicators of the digital-skills movement, registered with ``congdoan.indicators.registry``.

- ``skills.meeting_definition``: share of active members who meet the digital-skills
  definition that applies to them (the nearest definition "for union members" in force, set
  on their unit or an ancestor; shared/DOMAIN.md, "80 % by 2027, 100 % by 2030").
- ``skills.members_trained``: members who completed a course in the period (year to date).
- ``skills.officers_trained``: of those, union officers (people holding a role on a unit).
- ``skills.sessions_held``: training sessions held in the period (not cancelled, started).

Members are counted on their unit; sessions on the unit that organised them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from congdoan.accounts.models import AnyUser
from congdoan.indicators.registry import (
    Column,
    Indicator,
    Kind,
    Part,
    Period,
    part_records,
    register,
)
from congdoan.members.indicators import changed_units as member_changed_units
from congdoan.members.models import Member
from congdoan.org.models import RoleAssignment, Unit
from congdoan.org.paths import is_within, prefix_q

from .choices import DefinitionPurpose, EnrolmentStatus, SessionStatus
from .models import DigitalSkillsDefinition, Enrolment, SkillRecord, TrainingSession
from .queries import qualifying_member_ids


def _member_url(member) -> str:
    try:
        return reverse("members:detail", args=[member.pk])
    except NoReverseMatch:
        return ""


def _skills_url(member) -> str:
    try:
        return reverse("skills:member_skills", args=[member.pk])
    except NoReverseMatch:
        return ""


def _session_url(session) -> str:
    try:
        return reverse("skills:session_detail", args=[session.pk])
    except NoReverseMatch:
        return ""


MEMBER_COLUMNS = (
    Column(_("Full name"), "full_name"),
    Column(_("Card number"), "card_number"),
    Column(_("Unit"), "unit.name"),
)


# --- Members meeting the definition -----------------------------------------------------------


def _definitions(as_of):
    """Definitions for members in force on ``as_of``, deepest unit first."""
    return list(
        DigitalSkillsDefinition.objects.in_force(as_of)
        .filter(purpose=DefinitionPurpose.MEMBERS)
        .select_related("unit")
        .prefetch_related("competences")
        .order_by("-unit__depth", "-valid_from")
    )


def _meeting_q(as_of, units=None) -> Q | None:
    """Members meeting the definition that applies to their unit, as one ``Q``.

    Each unit follows its nearest definition: a definition covers its unit's subtree minus the
    subtrees of deeper definitions inside it (the newest wins on the same unit).
    """
    chosen: dict[str, DigitalSkillsDefinition] = {}
    for definition in _definitions(as_of):
        chosen.setdefault(definition.unit.path, definition)
    if not chosen:
        return None
    paths = list(chosen)
    q = Q(pk__in=[])
    for path, definition in chosen.items():
        deeper = [p for p in paths if p != path and is_within(p, path)]
        qualifying = qualifying_member_ids(definition, as_of)
        if units is not None:  # incremental refresh: only the skill records of those units' members
            qualifying = qualifying.filter(member__unit_id__in=units)
        part = prefix_q(path, "unit__path") & Q(pk__in=qualifying)
        for p in deeper:
            part &= ~prefix_q(p, "unit__path")
        q |= part
    return q


def meeting_changed_units(since: datetime.datetime) -> set[int] | None:
    """Units of members whose skill records or member records changed; None after a definition changed."""
    if DigitalSkillsDefinition.history.filter(history_date__gte=since).exists():
        return None
    touched = SkillRecord.objects.filter(
        Q(recorded_at__gte=since) | Q(revoked_at__gte=since)
    ).values("member_id")
    units = set(Member.objects.filter(pk__in=touched).values_list("unit_id", flat=True))
    return units | member_changed_units(since)


def meeting_definition(
    period: Period, units: Iterable[int] | None = None
) -> list[tuple[int, int, int]]:
    active = Member.objects.active().order_by()
    if units is not None:
        active = active.filter(unit_id__in=list(units))
    totals = dict(active.values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))
    q = _meeting_q(period.end, list(units) if units is not None else None)
    meeting = {}
    if q is not None:
        meeting = dict(
            active.filter(q).values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n")
        )
    return [(unit_id, meeting.get(unit_id, 0), total) for unit_id, total in totals.items()]


def meeting_records(user: AnyUser, unit: Unit, period: Period, part: str) -> QuerySet:
    qs = (
        Member.objects.visible_to(user)
        .active()
        .in_subtree(unit)
        .select_related("unit")
        .order_by("name_folded", "id")
    )
    if part == Part.DENOMINATOR:
        return qs  # no need to work out who meets a definition
    q = _meeting_q(period.end)
    return part_records(qs, part, Q(pk__in=[]) if q is None else q)


# --- Trained in the period --------------------------------------------------------------------


def _completed(period: Period):
    return Enrolment.objects.filter(
        status=EnrolmentStatus.COMPLETED,
        completed_on__gte=period.start,
        completed_on__lte=period.end,
    )


def _officer_emails():
    """E-mail addresses of people holding a role on a unit: the union's officers.

    The member registry has no link to user accounts yet; as in ``skills.queries``, a member
    is matched to an account by e-mail address.
    """
    users = RoleAssignment.objects.values("user_id")
    return get_user_model().objects.filter(pk__in=users).exclude(email="").values("email")


def _trained_rows(period: Period, officers_only: bool):
    members = Member.objects.filter(pk__in=_completed(period).values("member_id"))
    if officers_only:
        members = members.filter(email__in=_officer_emails())
    return (
        members.order_by()
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n", "n")
    )


def members_trained(period: Period) -> QuerySet:
    return _trained_rows(period, officers_only=False)


def officers_trained(period: Period) -> list[tuple[int, int, int]]:
    """(unit, officers trained, officers identified): the base says whether there is data.

    Officers are told from the other members only through an account's e-mail address; a
    unit where none matches has no data on officers, which is not the same as none trained.
    """
    identified = dict(
        Member.objects.filter(email__in=_officer_emails())
        .order_by()
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    trained = dict((u, n) for u, n, _n in _trained_rows(period, officers_only=True))
    return [(u, trained.get(u, 0), base) for u, base in identified.items()]


def _trained_records(user: AnyUser, unit: Unit, period: Period, officers_only: bool) -> QuerySet:
    qs = (
        Member.objects.visible_to(user)
        .in_subtree(unit)
        .filter(pk__in=_completed(period).values("member_id"))
        .select_related("unit")
        .order_by("name_folded", "id")
    )
    if officers_only:
        qs = qs.filter(email__in=_officer_emails())
    return qs


def trained_records(user: AnyUser, unit: Unit, period: Period, part: str) -> QuerySet:
    return _trained_records(user, unit, period, officers_only=False)


def officer_records(user: AnyUser, unit: Unit, period: Period, part: str) -> QuerySet:
    return _trained_records(user, unit, period, officers_only=True)


# --- Sessions held ----------------------------------------------------------------------------


def _held(period: Period):
    return TrainingSession.objects.exclude(
        status__in=[SessionStatus.CANCELLED, SessionStatus.PLANNED]
    ).filter(starts_on__gte=period.start, starts_on__lte=period.end)


def sessions_held(period: Period) -> QuerySet:
    return (
        _held(period)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n", "n")
    )


def session_records(user: AnyUser, unit: Unit, period: Period, part: str) -> QuerySet:
    return (
        _held(period)
        .visible_to(user)
        .in_subtree(unit)
        .select_related("course", "unit")
        .order_by("-starts_on", "pk")
    )


register(
    Indicator(
        code="skills.meeting_definition",
        name=_("Members with digital skills"),
        description=_(
            "Share of active members meeting the digital-skills definition that applies to their unit."
        ),
        kind=Kind.RATIO,
        numerator_label=_("meeting the definition"),
        denominator_label=_("active members"),
        compute=meeting_definition,
        changed_units=meeting_changed_units,
        records=meeting_records,
        columns=MEMBER_COLUMNS,
        record_url=_skills_url,
        order=30,
    )
)

register(
    Indicator(
        code="skills.members_trained",
        name=_("Members trained"),
        description=_("Members who completed a digital-skills course in the period."),
        kind=Kind.COUNT,
        measure=_("members"),
        numerator_label=_("members trained"),
        flow=True,
        history=True,
        compute=members_trained,
        records=trained_records,
        columns=MEMBER_COLUMNS,
        record_url=_member_url,
        order=40,
    )
)

register(
    Indicator(
        code="skills.officers_trained",
        name=_("Officers trained"),
        description=_(
            "Union officers (people holding a role on a unit) who completed a course in the period."
        ),
        kind=Kind.COUNT,
        measure=_("officers"),
        numerator_label=_("officers trained"),
        base_label=_("officers identified"),
        flow=True,
        history=True,
        compute=officers_trained,
        records=officer_records,
        columns=MEMBER_COLUMNS,
        record_url=_member_url,
        order=50,
    )
)

register(
    Indicator(
        code="skills.sessions_held",
        name=_("Training sessions held"),
        description=_("Digital-skills training sessions that took place in the period."),
        kind=Kind.COUNT,
        measure=_("sessions"),
        numerator_label=_("sessions held"),
        flow=True,
        history=True,
        compute=sessions_held,
        records=session_records,
        columns=(
            Column(_("Code"), "code"),
            Column(_("Course"), "course.title"),
            Column(_("Unit"), "unit.name"),
            Column(_("Starts on"), "starts_on"),
        ),
        record_url=_session_url,
        order=60,
    )
)
