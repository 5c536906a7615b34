"""Reading the skills movement: the visible object or 404 for each model family, who meets a
"has digital skills" definition, skill profiles and a member's own training, session progress,
reports per unit and subtree, and the "leave no one behind" list.

``members_meeting`` is the set-based form the indicators use: one SQL statement whatever the
number of members (a grouped sub-query over skill records), so it can be counted per unit.
Members themselves are asked of the members app (``Member.objects.visible_to(…).active()
.in_subtree(…)``, ``members.queries.visible_member``); units and paths of org.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.accounts.models import AnyUser
from congdoan.common.errors import visible_or_404
from congdoan.members.choices import MemberStatus
from congdoan.members.models import Member
from congdoan.org.choices import TRAINING_MANAGERS, UnitStatus
from congdoan.org.hooks import Waiting
from congdoan.org.models import RoleAssignment, Unit
from congdoan.org.paths import prefix_q

from .choices import EnrolmentStatus, SessionStatus
from .models import (
    Assessment,
    Attempt,
    Attendance,
    Campaign,
    Certificate,
    Competence,
    Course,
    DigitalSkillsDefinition,
    Enrolment,
    FrameworkVersion,
    SkillRecord,
    TrainingPlan,
    TrainingSession,
)

# --- The visible object or 404 ---------------------------------------------------------------
# One door per model family, for pages and API alike: missing and out of scope are one 404.
# ``to_change``: only an object placed in the user's own subtree (a course published by the
# federation is visible to a zone, not the zone's to change).


def _scoped(queryset: QuerySet, user: AnyUser, to_change: bool) -> QuerySet:
    return queryset.managed_by(user) if to_change else queryset.visible_to(user)


def visible_definition(
    user: AnyUser, pk: int | str, *, to_change: bool = False
) -> DigitalSkillsDefinition:
    return visible_or_404(
        _scoped(DigitalSkillsDefinition.objects, user, to_change).select_related("unit"), pk=pk
    )


def visible_course(user: AnyUser, pk: int | str, *, to_change: bool = False) -> Course:
    return visible_or_404(
        _scoped(Course.objects, user, to_change).select_related("unit", "assessment"), pk=pk
    )


def visible_session(user: AnyUser, pk: int | str) -> TrainingSession:
    return visible_or_404(
        TrainingSession.objects.visible_to(user).select_related("course", "unit", "trainer"),
        pk=pk,
    )


def visible_assessment(user: AnyUser, pk: int | str, *, to_change: bool = False) -> Assessment:
    return visible_or_404(
        _scoped(Assessment.objects, user, to_change).select_related("unit"), pk=pk
    )


def visible_campaign(user: AnyUser, pk: int | str) -> Campaign:
    return visible_or_404(
        Campaign.objects.visible_to(user).select_related("unit", "definition"), pk=pk
    )


def visible_plan(user: AnyUser, pk: int | str) -> TrainingPlan:
    return visible_or_404(TrainingPlan.objects.visible_to(user).select_related("unit"), pk=pk)


def visible_record(user: AnyUser, pk: int | str) -> SkillRecord:
    return visible_or_404(
        SkillRecord.objects.visible_to(user).select_related("member__unit", "competence"), pk=pk
    )


def visible_certificate(user: AnyUser, number: str, *, to_change: bool = False) -> Certificate:
    return visible_or_404(
        _scoped(Certificate.objects, user, to_change).select_related("course", "unit", "member"),
        number=(number or "").upper(),
    )


def waiting_for(user: AnyUser) -> list[Waiting]:
    """The home page's skills item (``org.hooks.waiting_counters``): sessions running today
    in the units where the user organises training."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    running = (
        TrainingSession.objects.visible_to(user, TRAINING_MANAGERS)
        .filter(
            starts_on__lte=today,
            ends_on__gte=today,
            status__in=[SessionStatus.PLANNED, SessionStatus.OPEN],
        )
        .count()
    )
    url = reverse("skills:sessions") + "?today=1"
    return [Waiting(_("Training sessions today"), running, url, icon="calendar-event")]


def training_units(user: AnyUser) -> QuerySet[Unit]:
    """Units where the user may create training items: those of their training roles."""
    if user.is_superuser:
        return Unit.objects.filter(depth=1)
    ids = RoleAssignment.objects.filter(
        user=user, role__in=TRAINING_MANAGERS, unit__status=UnitStatus.ACTIVE
    ).values("unit_id")
    return Unit.objects.filter(pk__in=ids).order_by("path")


# --- Meeting a definition --------------------------------------------------------------------


def _valid_records(as_of: datetime.date):
    return SkillRecord.objects.valid_on(as_of)


def qualifying_member_ids(
    definition: DigitalSkillsDefinition, as_of: datetime.date, among: QuerySet | None = None
) -> QuerySet:
    """A sub-query of member ids meeting ``definition`` on ``as_of`` (usable in ``pk__in``);
    ``among`` (a member queryset) narrows the records read, so a small unit stays cheap."""
    codes = definition.codes()
    need = definition.required_count(codes)
    if need == 0:
        return SkillRecord.objects.none().values("member_id")
    records = _valid_records(as_of)
    if among is not None:
        records = records.filter(member_id__in=among.order_by().values("pk"))
    return (
        records.filter(competence__code__in=codes, step__gte=definition.min_step)
        .order_by()
        .values("member_id")
        .annotate(n=Count("competence__code", distinct=True))
        .filter(n__gte=need)
        .values("member_id")
    )


def members_meeting(
    definition: DigitalSkillsDefinition,
    as_of: datetime.date | None = None,
    queryset: QuerySet | None = None,
) -> QuerySet:
    """The members of ``queryset`` (default: all) meeting ``definition`` on ``as_of``."""
    as_of = as_of or timezone.localdate()
    queryset = Member.objects.all() if queryset is None else queryset
    return queryset.filter(pk__in=qualifying_member_ids(definition, as_of, queryset))


def meets_definition(
    member: Member, definition: DigitalSkillsDefinition, as_of: datetime.date | None = None
) -> bool:
    as_of = as_of or timezone.localdate()
    return members_meeting(definition, as_of, Member.objects.filter(pk=member.pk)).exists()


def definitions_for_unit(unit: Unit, as_of: datetime.date | None = None) -> QuerySet:
    """Definitions in force on ``as_of`` set by ``unit`` or its ancestors (nearest first)."""
    as_of = as_of or timezone.localdate()
    return (
        DigitalSkillsDefinition.objects.applying_to(unit)
        .in_force(as_of)
        .select_related("unit")
        .prefetch_related("competences")
        .order_by("-unit__depth", "-valid_from")
    )


def default_definition(
    unit: Unit, as_of: datetime.date | None = None
) -> DigitalSkillsDefinition | None:
    """The definition a unit's reports use: the nearest one in force for union members."""
    qs = definitions_for_unit(unit, as_of)
    return qs.filter(purpose="members").first() or qs.first()


def member_for_user(user: AnyUser | None) -> Member | None:
    """The member record of a logged-in person.

    The member registry has no link to accounts yet; until the member portal adds one, a
    person is matched by a unique e-mail address among active members.
    """
    if user is None or not user.is_authenticated:
        return None
    active = Member.objects.active().select_related("unit")
    field_names = {f.name for f in Member._meta.get_fields()}
    if "user" in field_names:
        return active.filter(user=user).first()
    if not user.email:
        return None
    matches = list(active.filter(email__iexact=user.email)[:2])
    return matches[0] if len(matches) == 1 else None


# --- Skill profile --------------------------------------------------------------------------------


def current_steps(member: Member, as_of: datetime.date | None = None) -> dict[str, int]:
    """Competence code → highest valid step of ``member``."""
    as_of = as_of or timezone.localdate()
    return dict(
        _valid_records(as_of)
        .filter(member=member)
        .order_by()
        .values("competence__code")
        .annotate(step=Max("step"))
        .values_list("competence__code", "step")
    )


def profile(member: Member, as_of: datetime.date | None = None) -> dict:
    as_of = as_of or timezone.localdate()
    steps = current_steps(member, as_of)
    version = FrameworkVersion.current()
    areas = []
    if version is not None:
        for area in version.areas.prefetch_related("competences"):
            areas.append(
                {
                    "area": area,
                    "competences": [(c, steps.get(c.code, 0)) for c in area.competences.all()],
                }
            )
    definitions = [
        {
            "definition": d,
            "met": sum(1 for c in d.codes() if steps.get(c, 0) >= d.min_step) >= d.required_count(),
        }
        for d in definitions_for_unit(member.unit, as_of)
    ]
    records = SkillRecord.objects.filter(member=member).select_related(
        "competence__version",
        "recorded_by",
        "revoked_by",
        "attempt__assessment",
        "enrolment__session__course",
    )
    return {"areas": areas, "definitions": definitions, "records": records, "steps": steps}


def member_training(member: Member, *, revoked_certificates: bool = True) -> dict:
    """A member's last enrolments and their certificates, for the skill profile page."""
    certificates = Certificate.objects.filter(member=member)
    if not revoked_certificates:
        certificates = certificates.filter(revoked_at__isnull=True)
    return {
        "enrolments": member.skill_enrolments.select_related("session__course").order_by(
            "-session__starts_on"
        )[:30],
        "certificates": certificates,
    }


def sessions_open_to(member: Member, today: datetime.date) -> QuerySet:
    """Sessions of the member's unit or the units above it that the member may still join."""
    return (
        TrainingSession.objects.applying_to(member.unit)
        .filter(status__in=[SessionStatus.PLANNED, SessionStatus.OPEN], ends_on__gte=today)
        .exclude(enrolments__member=member)
        .select_related("course", "unit")
    )


def assessments_open_to(member: Member) -> QuerySet:
    """Open assessments of the member's unit or the units above it."""
    return (
        Assessment.objects.applying_to(member.unit).filter(active=True).select_related("competence")
    )


def attempts_left(member: Member, assessment: Assessment) -> int:
    return max(
        0,
        assessment.max_attempts
        - Attempt.objects.filter(assessment=assessment, member=member).count(),
    )


# --- Sessions ---------------------------------------------------------------------------------


def completion_status(session: TrainingSession) -> dict[int, dict]:
    """Per enrolled member: meetings attended, attendance share, assessment passed, complete?"""
    course = session.course
    attended = dict(
        session.attendances.values("member_id")
        .annotate(n=Count("day", distinct=True))
        .values_list("member_id", "n")
    )
    passed: set[int] = set()
    if course.assessment_id:
        passed = set(
            Attempt.objects.filter(
                assessment_id=course.assessment_id,
                passed=True,
                member__skill_enrolments__session=session,
            ).values_list("member_id", flat=True)
        )
    result = {}
    for member_id, status in session.enrolments.exclude(
        status=EnrolmentStatus.CANCELLED
    ).values_list("member_id", "status"):
        days = attended.get(member_id, 0)
        share = min(100, days * 100 // session.meeting_count)
        ok_attendance = share >= course.min_attendance_percent
        ok_assessment = not course.assessment_id or member_id in passed
        result[member_id] = {
            "attended": days,
            "share": share,
            "assessment_passed": ok_assessment,
            "complete": ok_attendance and ok_assessment,
            "status": status,
        }
    return result


# --- Reports ----------------------------------------------------------------------------------


def trained_members(queryset: QuerySet) -> QuerySet:
    return queryset.filter(skill_enrolments__status=EnrolmentStatus.COMPLETED).distinct()


def unit_report(
    unit: Unit, definition: DigitalSkillsDefinition | None, as_of: datetime.date | None = None
) -> dict:
    """Figures of ``unit``'s subtree and of each direct sub-unit; a handful of grouped queries."""
    as_of = as_of or timezone.localdate()
    active = Member.objects.active().in_subtree(unit)
    prefix_len = len(unit.path) + Unit.steplen

    def by_branch(qs):
        return dict(
            qs.annotate(branch=Substr("unit__path", 1, prefix_len))
            .order_by()
            .values("branch")
            .annotate(n=Count("id", distinct=True))
            .values_list("branch", "n")
        )

    trained_ids = Enrolment.objects.filter(status=EnrolmentStatus.COMPLETED).values("member_id")
    meeting_qs = members_meeting(definition, as_of, active) if definition else active.none()
    children = list(unit.subtree().filter(depth=unit.depth + 1).order_by("name_folded", "name"))
    counts_active = by_branch(active)
    counts_trained = by_branch(active.filter(pk__in=trained_ids))
    counts_meeting = by_branch(meeting_qs)
    rows = []
    for child in children:
        n = counts_active.get(child.path, 0)
        if not n and not child.is_active:
            continue
        rows.append(
            {
                "unit": child,
                "active": n,
                "trained": counts_trained.get(child.path, 0),
                "meeting": counts_meeting.get(child.path, 0),
            }
        )
    total = active.count()
    meeting = meeting_qs.count() if definition else 0
    trained = active.filter(pk__in=trained_ids).count()
    min_step = definition.min_step if definition else 1
    by_competence = dict(
        _valid_records(as_of)
        .filter(
            prefix_q(unit.path, "member__unit__path"),
            member__status=MemberStatus.ACTIVE,
            step__gte=min_step,
        )
        .order_by()
        .values("competence__code")
        .annotate(n=Count("member_id", distinct=True))
        .values_list("competence__code", "n")
    )
    version = FrameworkVersion.current()
    competences = (
        [
            (c, by_competence.get(c.code, 0))
            for c in Competence.objects.filter(version=version).order_by("order")
        ]
        if version
        else []
    )
    return {
        "as_of": as_of,
        "definition": definition,
        "active": total,
        "trained": trained,
        "meeting": meeting,
        "meeting_percent": round(meeting * 100 / total, 1) if total else 0.0,
        "trained_percent": round(trained * 100 / total, 1) if total else 0.0,
        "children": rows,
        "competences": competences,
        "min_step": min_step,
        "campaigns": campaign_rows(unit, as_of),
    }


def campaign_report_unit(user: AnyUser, campaign: Campaign) -> Unit | None:
    """Where the user reads a campaign's figures: its organiser, or else the highest unit of
    the organiser's subtree the user can see."""
    return Unit.objects.visible_to(user).subtree_of(campaign.unit).order_by("depth", "path").first()


def campaign_rows(unit: Unit, as_of: datetime.date) -> list[dict]:
    """Campaigns that concern ``unit`` (organised above or inside it): trained and share met."""
    rows = []
    campaigns = (
        Campaign.objects.concerning(unit)
        .select_related("definition")
        .prefetch_related("definition__competences")
        .order_by("-starts_on")
    )
    active = Member.objects.active().in_subtree(unit)
    total = active.count()
    for campaign in campaigns:
        completed = active.filter(
            pk__in=Enrolment.objects.filter(
                session__campaign=campaign, status=EnrolmentStatus.COMPLETED
            ).values("member_id")
        ).count()
        meeting = (
            members_meeting(campaign.definition, min(as_of, campaign.ends_on), active).count()
            if campaign.definition_id
            else None
        )
        share = round(meeting * 100 / total, 1) if (meeting is not None and total) else None
        rows.append(
            {
                "campaign": campaign,
                "trained": completed,
                "meeting": meeting,
                "share": share,
                "on_track": share is not None and share >= campaign.target_percent,
            }
        )
    return rows


def leave_behind(
    unit: Unit,
    definition: DigitalSkillsDefinition,
    as_of: datetime.date | None = None,
    *,
    queryset: QuerySet | None = None,
    q: str = "",
    never_trained: bool = False,
) -> QuerySet:
    """Active members of ``unit``'s subtree not meeting ``definition``, with their last training."""
    as_of = as_of or timezone.localdate()
    members = (queryset if queryset is not None else Member.objects.all()).active().in_subtree(unit)
    members = members.exclude(pk__in=qualifying_member_ids(definition, as_of, members))
    if q:
        members = members.search(q)
    last = Attendance.objects.filter(member=OuterRef("pk")).order_by("-day")
    members = members.annotate(
        last_training_on=Subquery(last.values("day")[:1]),
        last_training_course=Subquery(last.values("session__course__title")[:1]),
    )
    if never_trained:
        members = members.filter(last_training_on__isnull=True)
    return members.select_related("unit").order_by("unit__path", "name_folded", "pk")
