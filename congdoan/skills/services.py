"""Operations of the digital skills movement. Each runs in one transaction and checks scope
first (``OutOfScope`` → 404, ``NotAllowed`` → 403); views, the API, commands, the demo and
tests call these functions.

Concurrency: a check-in is an insert guarded by the unique constraint (session, member, day);
a duplicate is answered with the existing row, so a burst of check-ins loses none and counts
none twice.
"""

from __future__ import annotations

import datetime
import random
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.common import cccd as cccd_rules
from congdoan.common import uploads
from congdoan.common.errors import NotAllowed, OutOfScope
from congdoan.members.choices import MemberStatus
from congdoan.members.models import Member
from congdoan.org.choices import TRAINING_MANAGERS, Role, UnitStatus
from congdoan.org.models import RoleAssignment, Unit
from congdoan.org.scoping import has_role_on
from congdoan.org.services import require_role

from . import queries
from .choices import (
    CheckInMethod,
    EnrolmentSource,
    EnrolmentStatus,
    QuestionKind,
    RecordSource,
    SessionStatus,
)
from .models import (
    Assessment,
    Attempt,
    Attendance,
    Campaign,
    Certificate,
    Choice,
    Competence,
    CompetenceArea,
    Course,
    CourseMaterial,
    DigitalSkillsDefinition,
    Enrolment,
    FrameworkVersion,
    Question,
    SkillRecord,
    TrainingPlan,
    TrainingSession,
)

DEFINITION_MANAGERS = frozenset({Role.ADMINISTRATOR})
CERTIFICATE_MANAGERS = frozenset({Role.ADMINISTRATOR, Role.OFFICER})
# Answers arriving this long after the deadline still count (network, slow phones).
SUBMIT_GRACE = datetime.timedelta(seconds=60)


def _full_clean(obj, exclude=None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=True)


# --- Framework ----------------------------------------------------------------------------------


def is_framework_admin(actor) -> bool:
    """Federation administrators: superusers and administrators of a top-level unit."""
    if actor is None or not actor.is_authenticated:
        return False
    return (
        actor.is_superuser
        or RoleAssignment.objects.filter(
            user=actor, role=Role.ADMINISTRATOR, unit__depth=1, unit__status=UnitStatus.ACTIVE
        ).exists()
    )


def _require_framework_admin(actor) -> None:
    if not is_framework_admin(actor):
        raise OutOfScope()


@transaction.atomic
def update_competence(actor, competence: Competence, **changes) -> Competence:
    """Correct a competence's wording (names, description, the "to be checked" mark)."""
    _require_framework_admin(actor)
    allowed = {"name_vi", "name_en", "description", "needs_check"}
    if set(changes) - allowed:
        raise ValueError(f"unknown fields: {sorted(set(changes) - allowed)}")
    competence = Competence.objects.select_for_update().get(pk=competence.pk)
    for key, value in changes.items():
        setattr(competence, key, value.strip() if isinstance(value, str) else value)
    _full_clean(competence)
    competence._history_user = actor
    competence.save()
    return competence


@transaction.atomic
def update_area(actor, area: CompetenceArea, **changes) -> CompetenceArea:
    _require_framework_admin(actor)
    for key in ("name_vi", "name_en"):
        if key in changes:
            setattr(area, key, changes[key].strip())
    _full_clean(area)
    area._history_user = actor
    area.save()
    return area


@transaction.atomic
def new_framework_version(
    actor, *, code: str, name: str, valid_from: datetime.date, legal_basis: str = ""
) -> FrameworkVersion:
    """Copy the current version's areas and competences into a new current version.

    Records earned under the old version keep pointing at it; definitions match by code.
    """
    _require_framework_admin(actor)
    current = FrameworkVersion.current()
    if FrameworkVersion.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A framework version with this code exists already.")})
    FrameworkVersion.objects.filter(is_current=True).update(is_current=False)
    version = FrameworkVersion.objects.create(
        code=code,
        name=name,
        valid_from=valid_from,
        legal_basis=legal_basis,
        is_current=True,
        created_by=actor,
    )
    if current is not None:
        for area in current.areas.all():
            old_pk = area.pk
            comps = list(Competence.objects.filter(area_id=old_pk))
            area.pk = None
            area.version = version
            area.save()
            for comp in comps:
                comp.pk = None
                comp.version = version
                comp.area = area
                comp.save()
    return version


# --- Definitions --------------------------------------------------------------------------------


@transaction.atomic
def save_definition(
    actor, unit: Unit, *, competences: Iterable[Competence], definition=None, **fields
) -> DigitalSkillsDefinition:
    """Create or change what "has digital skills" means for ``unit`` (administrators only)."""
    if definition is not None:
        unit = definition.unit
    require_role(actor, unit, DEFINITION_MANAGERS)
    competences = list(competences)
    if not competences:
        raise ValidationError({"competences": _("Choose at least one competence.")})
    definition = definition or DigitalSkillsDefinition(unit=unit, created_by=actor)
    for key, value in fields.items():
        setattr(definition, key, value)
    if definition.min_competences and definition.min_competences > len(competences):
        raise ValidationError(
            {"min_competences": _("This is more than the number of competences chosen.")}
        )
    _full_clean(definition)
    definition._history_user = actor
    definition.save()
    definition.competences.set(competences)
    return definition


# --- Catalogue: courses, materials, questions, assessments ------------------------------------


@transaction.atomic
def save_course(
    actor, unit: Unit, *, competences: Iterable[Competence], course: Course | None = None, **fields
) -> Course:
    if course is not None:
        unit = course.unit
    require_role(actor, unit, TRAINING_MANAGERS)
    course = course or Course(unit=unit)
    for key, value in fields.items():
        setattr(course, key, value)
    if (
        course.assessment_id
        and not Assessment.objects.visible_to(actor).filter(pk=course.assessment_id).exists()
    ):
        raise ValidationError({"assessment": _("Choose an assessment you can see.")})
    _full_clean(course)
    course._history_user = actor
    course.save()
    course.competences.set(list(competences))
    return course


@transaction.atomic
def add_material(actor, course: Course, *, title: str, file=None, url: str = "") -> CourseMaterial:
    require_role(actor, course.unit, TRAINING_MANAGERS)
    material = CourseMaterial(
        course=course, title=title, url=url, order=course.materials.count() + 1
    )
    if file:
        with uploads.refused_as("file"):
            uploads.check_size(file)
        material.file = file
    _full_clean(material)
    material.save()
    return material


def _check_choices(kind: str, choices: list[tuple[str, bool]]) -> None:
    choices = [(t.strip(), c) for t, c in choices if t and t.strip()]
    correct = sum(1 for _t, c in choices if c)
    if kind == QuestionKind.TRUE_FALSE:
        if len(choices) != 2 or correct != 1:
            raise ValidationError(
                {"choices": _("A true/false question has two answers, one of them correct.")}
            )
    elif len(choices) < 2:
        raise ValidationError({"choices": _("Give at least two answers.")})
    elif kind == QuestionKind.SINGLE and correct != 1:
        raise ValidationError(
            {"choices": _("A single-choice question has exactly one correct answer.")}
        )
    elif kind == QuestionKind.MULTIPLE and correct < 1:
        raise ValidationError({"choices": _("Mark at least one correct answer.")})


@transaction.atomic
def save_question(
    actor,
    unit: Unit,
    *,
    competence: Competence,
    step: int,
    kind: str,
    text: str,
    choices: list[tuple[str, bool]],
    explanation: str = "",
    question: Question | None = None,
) -> Question:
    """Add (or replace the answers of) a question in the bank of ``unit``."""
    if question is not None:
        unit = question.unit
    require_role(actor, unit, TRAINING_MANAGERS)
    if kind == QuestionKind.TRUE_FALSE and not any(t.strip() for t, _c in choices):
        choices = [
            (_("True"), bool(choices and choices[0][1])),
            (_("False"), not (choices and choices[0][1])),
        ]
    _check_choices(kind, choices)
    question = question or Question(unit=unit)
    question.competence, question.step, question.kind = competence, step, kind
    question.text, question.explanation = text.strip(), explanation.strip()
    _full_clean(question)
    question.save()
    question.choices.all().delete()
    Choice.objects.bulk_create(
        [
            Choice(question=question, text=t.strip(), is_correct=bool(c), order=i)
            for i, (t, c) in enumerate((t, c) for t, c in choices if t and t.strip())
        ]
    )
    return question


@transaction.atomic
def save_assessment(
    actor, unit: Unit, *, assessment: Assessment | None = None, **fields
) -> Assessment:
    if assessment is not None:
        unit = assessment.unit
    require_role(actor, unit, TRAINING_MANAGERS)
    assessment = assessment or Assessment(unit=unit)
    for key, value in fields.items():
        setattr(assessment, key, value)
    _full_clean(assessment)
    assessment.save()
    return assessment


# --- Campaigns and plans ------------------------------------------------------------------------


@transaction.atomic
def save_campaign(
    actor, unit: Unit, *, units: Iterable[Unit] = (), campaign: Campaign | None = None, **fields
) -> Campaign:
    if campaign is not None:
        unit = campaign.unit
    require_role(actor, unit, TRAINING_MANAGERS)
    units = list(units)
    for u in units:
        if not u.path.startswith(unit.path):
            raise ValidationError(
                {"units": _("%(unit)s is not under the organiser.") % {"unit": u.name}}
            )
    campaign = campaign or Campaign(unit=unit)
    for key, value in fields.items():
        setattr(campaign, key, value)
    _full_clean(campaign)
    campaign.save()
    campaign.units.set(units)
    return campaign


@transaction.atomic
def save_plan(actor, unit: Unit, *, plan: TrainingPlan | None = None, **fields) -> TrainingPlan:
    if plan is not None:
        unit = plan.unit
    require_role(actor, unit, TRAINING_MANAGERS)
    plan = plan or TrainingPlan(unit=unit)
    for key, value in fields.items():
        setattr(plan, key, value)
    _full_clean(plan)
    plan.save()
    return plan


# --- Sessions and enrolment -----------------------------------------------------------------------


@transaction.atomic
def save_session(
    actor, unit: Unit, *, session: TrainingSession | None = None, **fields
) -> TrainingSession:
    if session is not None:
        unit = session.unit
    require_role(actor, unit, TRAINING_MANAGERS)
    session = session or TrainingSession(unit=unit, created_by=actor)
    for key, value in fields.items():
        setattr(session, key, value)
    course = session.course
    if not course.unit.path.startswith(unit.path) and not unit.path.startswith(course.unit.path):
        raise ValidationError({"course": _("This course is not in the catalogue of the unit.")})
    if (
        session.campaign_id
        and not Campaign.objects.visible_to(actor).filter(pk=session.campaign_id).exists()
    ):
        raise ValidationError({"campaign": _("Choose a campaign you can see.")})
    if session.plan_id and not session.plan.unit.path.startswith(
        unit.path[: len(session.plan.unit.path)]
    ):
        raise ValidationError({"plan": _("This training plan belongs to another unit.")})
    if not session.ends_on and session.starts_on:
        session.ends_on = session.starts_on
    _full_clean(session, exclude=["code"])
    session.save()
    if not session.code:
        session.code = f"LH{session.starts_on:%y}-{session.pk:05d}"
        session.save(update_fields=["code"])
    return session


@transaction.atomic
def set_session_status(actor, session: TrainingSession, status: str) -> TrainingSession:
    require_role(actor, session.unit, TRAINING_MANAGERS)
    session.status = status
    session.save(update_fields=["status"])
    return session


def _lock_session(session: TrainingSession) -> TrainingSession:
    return (
        TrainingSession.objects.select_for_update()
        .select_related("course", "unit")
        .get(pk=session.pk)
    )


def _free_places(session: TrainingSession) -> int | None:
    if session.capacity is None:
        return None
    taken = session.enrolments.exclude(status=EnrolmentStatus.CANCELLED).count()
    return max(0, session.capacity - taken)


@transaction.atomic
def enrol_members(
    actor, session: TrainingSession, members, source: str = EnrolmentSource.OFFICER
) -> dict:
    """Enrol ``members`` (ids or a queryset) that the actor can see; returns counts.

    Members already enrolled are left as they are; past the capacity the rest are refused.
    """
    require_role(actor, session.unit, TRAINING_MANAGERS)
    session = _lock_session(session)
    if session.status in (SessionStatus.CLOSED, SessionStatus.CANCELLED):
        raise ValidationError(_("The session is closed; nobody can be enrolled any more."))
    ids = members.values_list("pk", flat=True) if hasattr(members, "values_list") else members
    wanted = list(
        Member.objects.visible_to(actor)
        .active()
        .filter(pk__in=ids)
        .order_by("name_folded", "pk")
        .values_list("pk", flat=True)
    )
    existing = dict(
        session.enrolments.filter(member_id__in=wanted).values_list("member_id", "status")
    )
    candidates = [
        m for m in wanted if existing.get(m, EnrolmentStatus.CANCELLED) == EnrolmentStatus.CANCELLED
    ]
    free = _free_places(session)
    accepted = candidates if free is None else candidates[:free]
    reopen = [m for m in accepted if m in existing]
    session.enrolments.filter(member_id__in=reopen).update(
        status=EnrolmentStatus.ENROLLED, source=source
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(session=session, member_id=m, source=source, enrolled_by=actor)
            for m in accepted
            if m not in existing
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return {
        "enrolled": len(accepted),
        "already": len(wanted) - len(candidates),
        "over_capacity": len(candidates) - len(accepted),
    }


def bulk_enrol(
    actor,
    session: TrainingSession,
    unit: Unit,
    *,
    definition: DigitalSkillsDefinition | None = None,
    as_of: datetime.date | None = None,
    only_untrained: bool = False,
) -> dict:
    """Enrol every active member of ``unit``'s subtree, optionally only those who do not meet
    ``definition`` on ``as_of`` (or who never completed a course)."""
    require_role(actor, unit, TRAINING_MANAGERS)
    members = Member.objects.visible_to(actor).active().in_subtree(unit)
    if definition is not None:
        members = members.exclude(
            pk__in=queries.members_meeting(
                definition, as_of or timezone.localdate(), Member.objects.all()
            ).values("pk")
        )
    if only_untrained:
        members = members.exclude(skill_enrolments__status=EnrolmentStatus.COMPLETED)
    return enrol_members(actor, session, members, source=EnrolmentSource.BULK)


def can_self_enrol(member: Member, session: TrainingSession) -> bool:
    return (
        member.is_active
        and session.status in (SessionStatus.PLANNED, SessionStatus.OPEN)
        and member.unit.path.startswith(session.unit.path)
        and session.ends_on >= timezone.localdate()
    )


@transaction.atomic
def self_enrol(member: Member, session: TrainingSession) -> Enrolment:
    """A member enrols themself (member portal) in a session of their own subtree."""
    if not can_self_enrol(member, session):
        raise OutOfScope()
    session = _lock_session(session)
    enrolment = session.enrolments.filter(member=member).first()
    if enrolment and enrolment.status != EnrolmentStatus.CANCELLED:
        return enrolment
    if _free_places(session) == 0:
        raise ValidationError(_("The session is full."))
    if enrolment:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.save(update_fields=["status"])
        return enrolment
    return Enrolment.objects.create(session=session, member=member, source=EnrolmentSource.SELF)


@transaction.atomic
def cancel_enrolment(actor, enrolment: Enrolment) -> Enrolment:
    require_role(actor, enrolment.session.unit, TRAINING_MANAGERS)
    if enrolment.status == EnrolmentStatus.COMPLETED:
        raise ValidationError(_("A completed enrolment cannot be cancelled."))
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.save(update_fields=["status"])
    return enrolment


# --- Check-in and attendance ----------------------------------------------------------------------


class CheckInRefused(ValidationError):
    pass


def _checkin_day(session: TrainingSession, day: datetime.date | None) -> datetime.date:
    day = day or timezone.localdate()
    if session.status == SessionStatus.CANCELLED:
        raise CheckInRefused(_("The session was cancelled."))
    if session.status == SessionStatus.CLOSED:
        raise CheckInRefused(_("The session is closed."))
    if not (session.starts_on <= day <= session.ends_on):
        raise CheckInRefused(
            _("Check-in is open only on the days of the session (%(start)s – %(end)s).")
            % {"start": f"{session.starts_on:%d/%m/%Y}", "end": f"{session.ends_on:%d/%m/%Y}"}
        )
    return day


def is_eligible(session: TrainingSession, member: Member) -> bool:
    """Active, and of the session's subtree or enrolled in it."""
    if not member.is_active:
        return False
    if member.unit.path.startswith(session.unit.path):
        return True
    return (
        session.enrolments.filter(member=member).exclude(status=EnrolmentStatus.CANCELLED).exists()
    )


def check_in(
    session: TrainingSession,
    member: Member,
    *,
    method: str,
    recorded_by=None,
    day: datetime.date | None = None,
) -> tuple[Attendance, bool]:
    """Record ``member`` present at ``session`` on ``day``; ``(attendance, created)``.

    Safe under any number of concurrent calls: the unique constraint decides, a duplicate
    returns the row that won. Members of the session's subtree who were not enrolled are
    enrolled as walk-ins.
    """
    day = _checkin_day(session, day)
    if not is_eligible(session, member):
        raise CheckInRefused(_("You are not enrolled in this session."))
    try:
        with transaction.atomic():
            Enrolment.objects.get_or_create(
                session=session,
                member=member,
                defaults={"source": EnrolmentSource.WALK_IN, "enrolled_by": recorded_by},
            )
    except IntegrityError:
        pass  # enrolled by a concurrent check-in of the same member
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                session=session, member=member, day=day, method=method, recorded_by=recorded_by
            )
        return attendance, True
    except IntegrityError:
        return Attendance.objects.get(session=session, member=member, day=day), False


def find_member_for_checkin(
    session: TrainingSession, cccd: str, date_of_birth: datetime.date
) -> Member:
    """The active member of the session's organisation tree with this CCCD and date of birth."""
    number = cccd_rules.restore(cccd)
    refusal = CheckInRefused(
        _("No member with this identity number and date of birth is expected at this session.")
    )
    if len(number) != 12:
        raise ValidationError({"cccd": _("A citizen identity number has 12 digits.")})
    member = (
        Member.objects.select_related("unit")
        .filter(
            cccd=number,
            date_of_birth=date_of_birth,
            status=MemberStatus.ACTIVE,
            tree=session.unit.path[:4],
        )
        .first()
    )
    if member is None or not is_eligible(session, member):
        raise refusal
    return member


def check_in_with_identity(
    session: TrainingSession,
    cccd: str,
    date_of_birth: datetime.date,
    day: datetime.date | None = None,
) -> tuple[Attendance, bool]:
    member = find_member_for_checkin(session, cccd, date_of_birth)
    return check_in(session, member, method=CheckInMethod.QR_IDENTITY, day=day)


def can_mark_attendance(actor, session: TrainingSession) -> bool:
    return session.trainer_id == getattr(actor, "pk", None) or has_role_on(
        actor, session.unit, TRAINING_MANAGERS
    )


def mark_attendance(
    actor,
    session: TrainingSession,
    present_ids: Iterable[int],
    day: datetime.date,
    absent_ids: Iterable[int] = (),
) -> dict:
    """The trainer's list: mark these enrolled members present (and remove wrong marks)."""
    if not has_role_on(actor, session.unit) and session.trainer_id != actor.pk:
        raise OutOfScope()
    if not can_mark_attendance(actor, session):
        raise NotAllowed(_("Only the session's trainer or a training officer can mark attendance."))
    _checkin_day(session, day)
    enrolled = set(
        session.enrolments.exclude(status=EnrolmentStatus.CANCELLED).values_list(
            "member_id", flat=True
        )
    )
    present = [m for m in present_ids if m in enrolled]
    with transaction.atomic():
        before = set(session.attendances.filter(day=day).values_list("member_id", flat=True))
        Attendance.objects.bulk_create(
            [
                Attendance(
                    session=session,
                    member_id=m,
                    day=day,
                    method=CheckInMethod.TRAINER,
                    recorded_by=actor,
                )
                for m in present
                if m not in before
            ],
            ignore_conflicts=True,
        )
        removed, _d = session.attendances.filter(
            day=day, member_id__in=[m for m in absent_ids if m in enrolled]
        ).delete()
    return {"marked": len([m for m in present if m not in before]), "removed": removed}


# --- Completion, skill records, certificates --------------------------------------------------


def new_certificate_number(day: datetime.date | None = None) -> str:
    """``CD-2026-7K3QX9TB``: year and eight unguessable characters (no 0/O/1/I)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    year = (day or timezone.localdate()).year
    return f"CD-{year}-" + "".join(secrets.choice(alphabet) for _ in range(8))


def _issue_certificate(enrolment: Enrolment, actor=None) -> Certificate:
    session = enrolment.session
    for _try in range(5):
        number = new_certificate_number(enrolment.completed_on)
        if not Certificate.objects.filter(number=number).exists():
            break
    return Certificate.objects.create(
        number=number,
        enrolment=enrolment,
        member=enrolment.member,
        course=session.course,
        unit=session.unit,
        holder_name=enrolment.member.full_name,
        course_title=session.course.title,
        unit_name=session.unit.name,
        issued_on=enrolment.completed_on,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )


def _complete(enrolment: Enrolment, day: datetime.date, actor=None) -> None:
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.completed_on = day
    enrolment.save(update_fields=["status", "completed_on"])
    course = enrolment.session.course
    SkillRecord.objects.bulk_create(
        [
            SkillRecord(
                member_id=enrolment.member_id,
                competence=c,
                step=course.target_step,
                source=RecordSource.COURSE,
                achieved_on=day,
                enrolment=enrolment,
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
            for c in course.competences.all()
        ]
    )
    if course.issues_certificate and not Certificate.objects.filter(enrolment=enrolment).exists():
        _issue_certificate(enrolment, actor)


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


@transaction.atomic
def close_session(actor, session: TrainingSession, day: datetime.date | None = None) -> dict:
    """Apply the course's completion rules: complete who qualifies (skill records + certificates),
    close the session. Those waiting only for the assessment complete when they pass it."""
    require_role(actor, session.unit, TRAINING_MANAGERS)
    session = _lock_session(session)
    day = day or min(timezone.localdate(), session.ends_on)
    status = completion_status(session)
    done = [
        m for m, s in status.items() if s["complete"] and s["status"] != EnrolmentStatus.COMPLETED
    ]
    for enrolment in session.enrolments.filter(member_id__in=done).select_related(
        "member", "session__course", "session__unit"
    ):
        _complete(enrolment, day, actor)
    session.status = SessionStatus.CLOSED
    session.save(update_fields=["status"])
    return {
        "completed": len(done),
        "not_completed": sum(1 for s in status.values() if not s["complete"]),
    }


def _complete_waiting_for(member: Member, assessment: Assessment, day: datetime.date) -> None:
    """After a pass: complete closed sessions of courses that were waiting only for it."""
    for enrolment in Enrolment.objects.filter(
        member=member,
        status=EnrolmentStatus.ENROLLED,
        session__status=SessionStatus.CLOSED,
        session__course__assessment=assessment,
    ).select_related("session__course", "session__unit", "member"):
        if completion_status(enrolment.session).get(member.pk, {}).get("complete"):
            _complete(enrolment, day)


@transaction.atomic
def attest_skill(
    actor,
    member: Member,
    competence: Competence,
    step: int,
    reason: str,
    achieved_on: datetime.date | None = None,
) -> SkillRecord:
    """An officer confirms a member's step in a competence, giving the reason."""
    require_role(actor, member.unit, TRAINING_MANAGERS)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the attestation.")})
    record = SkillRecord(
        member=member,
        competence=competence,
        step=step,
        source=RecordSource.ATTESTATION,
        achieved_on=achieved_on or timezone.localdate(),
        reason=reason.strip(),
        recorded_by=actor,
    )
    _full_clean(record, exclude=["attempt", "enrolment"])
    if record.achieved_on > timezone.localdate():
        raise ValidationError({"achieved_on": _("The date cannot be in the future.")})
    record.save()
    return record


@transaction.atomic
def revoke_record(actor, record: SkillRecord, reason: str) -> SkillRecord:
    require_role(actor, record.member.unit, TRAINING_MANAGERS)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for withdrawing the record.")})
    if record.revoked_at:
        raise ValidationError(_("This record was already withdrawn."))
    record.revoked_at, record.revoked_by, record.revoke_reason = (
        timezone.now(),
        actor,
        reason.strip()[:255],
    )
    record.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return record


@transaction.atomic
def revoke_certificate(actor, certificate: Certificate, reason: str) -> Certificate:
    require_role(actor, certificate.unit, CERTIFICATE_MANAGERS)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for revoking the certificate.")})
    if certificate.revoked_at:
        raise ValidationError(_("This certificate was already revoked."))
    certificate.revoked_at, certificate.revoke_reason = timezone.now(), reason.strip()[:255]
    certificate.save(update_fields=["revoked_at", "revoke_reason"])
    return certificate


# --- Assessments ----------------------------------------------------------------------------------


def attempts_left(member: Member, assessment: Assessment) -> int:
    return max(
        0,
        assessment.max_attempts
        - Attempt.objects.filter(assessment=assessment, member=member).count(),
    )


@transaction.atomic
def start_attempt(
    member: Member, assessment: Assessment, now=None, rng: random.Random | None = None
) -> Attempt:
    """Draw the questions at random and start the clock; an unfinished attempt is resumed."""
    now = now or timezone.now()
    if not assessment.active or not member.is_active:
        raise ValidationError(_("This assessment is not open."))
    Member.objects.select_for_update().filter(
        pk=member.pk
    ).first()  # one start at a time per member
    open_attempt = Attempt.objects.filter(
        assessment=assessment, member=member, submitted_at__isnull=True, deadline__gt=now
    ).first()
    if open_attempt:
        return open_attempt
    used = Attempt.objects.filter(assessment=assessment, member=member).count()
    if used >= assessment.max_attempts:
        raise ValidationError(
            _("You have used all %(n)s attempts of this assessment.")
            % {"n": assessment.max_attempts}
        )
    bank = list(assessment.bank().values_list("pk", flat=True))
    if not bank:
        raise ValidationError(_("The question bank for this competence and step is empty."))
    drawn = (rng or random.SystemRandom()).sample(bank, min(assessment.question_count, len(bank)))
    return Attempt.objects.create(
        assessment=assessment,
        member=member,
        number=used + 1,
        question_ids=drawn,
        started_at=now,
        deadline=now + datetime.timedelta(minutes=assessment.time_limit_minutes),
    )


def score(question_ids: list[int], answers: dict) -> int:
    """Number of questions answered exactly right (the chosen set equals the correct set)."""
    correct = {}
    for qid, cid in Choice.objects.filter(
        question_id__in=question_ids, is_correct=True
    ).values_list("question_id", "pk"):
        correct.setdefault(qid, set()).add(cid)
    right = 0
    for qid in question_ids:
        chosen = answers.get(str(qid)) or answers.get(qid) or []
        if isinstance(chosen, int | str):
            chosen = [chosen]
        try:
            chosen_set = {int(c) for c in chosen}
        except (TypeError, ValueError):
            continue
        if chosen_set and chosen_set == correct.get(qid, set()):
            right += 1
    return right


@transaction.atomic
def submit_attempt(attempt: Attempt, answers: dict, now=None) -> Attempt:
    """Score the attempt; a pass records the competence at the assessment's step, the attempt as evidence.

    Answers arriving after the deadline (beyond a short grace) are not counted.
    """
    now = now or timezone.now()
    attempt = (
        Attempt.objects.select_for_update()
        .select_related("assessment__competence", "member")
        .get(pk=attempt.pk)
    )
    if attempt.submitted_at is not None:
        raise ValidationError(_("This attempt was already submitted."))
    late = now > attempt.deadline + SUBMIT_GRACE
    kept = (
        {}
        if late
        else {
            str(k): v
            for k, v in (answers or {}).items()
            if str(k) in {str(q) for q in attempt.question_ids}
        }
    )
    right = score(attempt.question_ids, kept)
    total = len(attempt.question_ids) or 1
    attempt.answers = kept
    attempt.submitted_at = now
    attempt.correct_count = right
    attempt.score_percent = right * 100 // total
    attempt.passed = attempt.score_percent >= attempt.assessment.pass_percent
    attempt.save()
    if attempt.passed:
        SkillRecord.objects.create(
            member=attempt.member,
            competence=attempt.assessment.competence,
            step=attempt.assessment.step,
            source=RecordSource.ASSESSMENT,
            achieved_on=timezone.localdate(now),
            attempt=attempt,
        )
        _complete_waiting_for(attempt.member, attempt.assessment, timezone.localdate(now))
    return attempt


def expire_unsubmitted(assessment: Assessment | None = None, now=None) -> int:
    """Close attempts whose time ran out without answers (score 0)."""
    now = now or timezone.now()
    qs = Attempt.objects.filter(submitted_at__isnull=True, deadline__lt=now - SUBMIT_GRACE)
    if assessment is not None:
        qs = qs.filter(assessment=assessment)
    return qs.update(submitted_at=now, score_percent=0, passed=False)


# --- Imports ----------------------------------------------------------------------------------


def import_attendance_row(
    actor,
    *,
    session: TrainingSession,
    member: Member,
    day: datetime.date,
    competence: Competence | None = None,
    step: int | None = None,
) -> tuple[bool, bool]:
    """One line of an offline attendance sheet: (attendance created, record created)."""
    require_role(actor, session.unit, TRAINING_MANAGERS)
    if not Member.objects.visible_to(actor).filter(pk=member.pk).exists():
        raise CheckInRefused(_("The member is outside your scope."))
    _attendance, created = check_in(
        session, member, method=CheckInMethod.IMPORT, recorded_by=actor, day=day
    )
    recorded = False
    if competence is not None and step:
        exists = SkillRecord.objects.filter(
            member=member,
            competence__code=competence.code,
            step__gte=step,
            revoked_at__isnull=True,
            achieved_on__lte=day,
        ).exists()
        if not exists:
            SkillRecord.objects.create(
                member=member,
                competence=competence,
                step=step,
                source=RecordSource.IMPORT,
                achieved_on=day,
                recorded_by=actor,
                reason=_("Attendance sheet of session %(code)s") % {"code": session.code},
            )
            recorded = True
    return created, recorded
