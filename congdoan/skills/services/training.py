"""Running training: sessions, enrolment (by officers, in bulk, by members themselves),
closing a session by the course's completion rules, skill records an officer attests or
withdraws, and the certificates completion issues.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.common.errors import OutOfScope
from congdoan.members.models import Member
from congdoan.org.choices import TRAINING_MANAGERS, Role
from congdoan.org.models import Unit
from congdoan.org.paths import is_within
from congdoan.org.services import require_role

from .. import queries
from ..choices import EnrolmentSource, EnrolmentStatus, RecordSource, SessionStatus
from ..models import (
    Assessment,
    Campaign,
    Certificate,
    Competence,
    DigitalSkillsDefinition,
    Enrolment,
    SkillRecord,
    TrainingSession,
)
from .editing import item_to_save, set_fields

CERTIFICATE_MANAGERS = frozenset({Role.ADMINISTRATOR, Role.OFFICER})


def _on_one_line(a: Unit, b: Unit) -> bool:
    """One of the two units lies within the other."""
    return is_within(a.path, b.path) or is_within(b.path, a.path)


# --- Sessions and enrolment -----------------------------------------------------------------------


@transaction.atomic
def save_session(
    actor: User, unit: Unit, *, session: TrainingSession | None = None, **fields
) -> TrainingSession:
    session = item_to_save(
        actor, unit, session, TrainingSession, TRAINING_MANAGERS, created_by=actor
    )
    unit = session.unit
    set_fields(session, fields)
    course = session.course
    if not _on_one_line(course.unit, unit):
        raise ValidationError({"course": _("This course is not in the catalogue of the unit.")})
    if (
        session.campaign_id
        and not Campaign.objects.visible_to(actor).filter(pk=session.campaign_id).exists()
    ):
        raise ValidationError({"campaign": _("Choose a campaign you can see.")})
    if session.plan_id and not _on_one_line(session.plan.unit, unit):
        raise ValidationError({"plan": _("This training plan belongs to another unit.")})
    if not session.ends_on and session.starts_on:
        session.ends_on = session.starts_on
    session.full_clean(exclude=["code"])
    session.save()
    if not session.code:
        session.code = f"LH{session.starts_on:%y}-{session.pk:05d}"
        session.save(update_fields=["code"])
    return session


@transaction.atomic
def set_session_status(actor: User, session: TrainingSession, status: str) -> TrainingSession:
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
    actor: User,
    session: TrainingSession,
    members: QuerySet | Iterable[int],
    source: str = EnrolmentSource.OFFICER,
) -> dict[str, int]:
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
    actor: User,
    session: TrainingSession,
    unit: Unit,
    *,
    definition: DigitalSkillsDefinition | None = None,
    as_of: datetime.date | None = None,
    only_untrained: bool = False,
) -> dict[str, int]:
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
        and is_within(member.unit.path, session.unit.path)
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
def cancel_enrolment(actor: User, enrolment: Enrolment) -> Enrolment:
    require_role(actor, enrolment.session.unit, TRAINING_MANAGERS)
    if enrolment.status == EnrolmentStatus.COMPLETED:
        raise ValidationError(_("A completed enrolment cannot be cancelled."))
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.save(update_fields=["status"])
    return enrolment


# --- Completion, skill records, certificates --------------------------------------------------


def new_certificate_number(day: datetime.date | None = None) -> str:
    """``CD-2026-7K3QX9TB``: year and eight unguessable characters (no 0/O/1/I)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    year = (day or timezone.localdate()).year
    return f"CD-{year}-" + "".join(secrets.choice(alphabet) for _ in range(8))


def _issue_certificate(enrolment: Enrolment, actor: User | None = None) -> Certificate:
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


def _complete(enrolment: Enrolment, day: datetime.date, actor: User | None = None) -> None:
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


@transaction.atomic
def close_session(
    actor: User, session: TrainingSession, day: datetime.date | None = None
) -> dict[str, int]:
    """Apply the course's completion rules: complete who qualifies (skill records + certificates),
    close the session. Those waiting only for the assessment complete when they pass it."""
    require_role(actor, session.unit, TRAINING_MANAGERS)
    session = _lock_session(session)
    day = day or min(timezone.localdate(), session.ends_on)
    status = queries.completion_status(session)
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


def complete_waiting_for(member: Member, assessment: Assessment, day: datetime.date) -> None:
    """After a pass (inside ``submit_attempt``'s transaction): complete closed sessions of
    courses that were waiting only for it."""
    for enrolment in Enrolment.objects.filter(
        member=member,
        status=EnrolmentStatus.ENROLLED,
        session__status=SessionStatus.CLOSED,
        session__course__assessment=assessment,
    ).select_related("session__course", "session__unit", "member"):
        if queries.completion_status(enrolment.session).get(member.pk, {}).get("complete"):
            _complete(enrolment, day)


@transaction.atomic
def attest_skill(
    actor: User,
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
    record.full_clean(exclude=["attempt", "enrolment"])
    if record.achieved_on > timezone.localdate():
        raise ValidationError({"achieved_on": _("The date cannot be in the future.")})
    record.save()
    return record


@transaction.atomic
def revoke_record(actor: User, record: SkillRecord, reason: str) -> SkillRecord:
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
def revoke_certificate(actor: User, certificate: Certificate, reason: str) -> Certificate:
    require_role(actor, certificate.unit, CERTIFICATE_MANAGERS)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for revoking the certificate.")})
    if certificate.revoked_at:
        raise ValidationError(_("This certificate was already revoked."))
    certificate.revoked_at, certificate.revoke_reason = timezone.now(), reason.strip()[:255]
    certificate.save(update_fields=["revoked_at", "revoke_reason"])
    return certificate
