"""Attendance: check-in at the session's QR code (with an account or with CCCD and date of
birth), the trainer's list, and the lines of offline attendance sheets.

Concurrency: a check-in is an insert guarded by the unique constraint (session, member, day);
a duplicate is answered with the existing row, so a burst of check-ins loses none and counts
none twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.common import cccd as cccd_rules
from congdoan.common.errors import NotAllowed, OutOfScope
from congdoan.members.models import Member, tree_key
from congdoan.org.choices import TRAINING_MANAGERS
from congdoan.org.paths import is_within
from congdoan.org.scoping import has_role_on
from congdoan.org.services import require_role

from ..choices import CheckInMethod, EnrolmentSource, EnrolmentStatus, RecordSource, SessionStatus
from ..models import Attendance, Competence, Enrolment, SkillRecord, TrainingSession


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
    if is_within(member.unit.path, session.unit.path):
        return True
    return (
        session.enrolments.filter(member=member).exclude(status=EnrolmentStatus.CANCELLED).exists()
    )


# The ways a member checks themself in; the session's ``walk_ins`` flag governs these only
# (a trainer's mark or an attendance sheet records what the organisers saw).
SELF_CHECK_IN = (CheckInMethod.QR_ACCOUNT, CheckInMethod.QR_IDENTITY)


def _enrol_walk_in(
    session: TrainingSession, member: Member, *, method: str, recorded_by: User | None
) -> None:
    """Make sure ``member`` is enrolled: a member of the organising subtree who was not (or
    whose enrolment was cancelled) is enrolled as a walk-in, when the session takes them."""
    if not member.is_active:
        raise CheckInRefused(_("Only active members can check in."))
    enrolment = session.enrolments.filter(member=member).first()
    if enrolment is not None and enrolment.status != EnrolmentStatus.CANCELLED:
        return
    if not is_within(member.unit.path, session.unit.path):
        raise CheckInRefused(
            _(
                "You are not enrolled in this session, and it is open only to members of "
                "%(unit)s. Ask the organisers."
            )
            % {"unit": session.unit.name}
        )
    if method in SELF_CHECK_IN and not session.walk_ins:
        raise CheckInRefused(
            _(
                "You are not enrolled in this session, and it does not take walk-ins. Ask the "
                "organisers to enrol you."
            )
        )
    if enrolment is not None:
        Enrolment.objects.filter(pk=enrolment.pk, status=EnrolmentStatus.CANCELLED).update(
            status=EnrolmentStatus.ENROLLED, source=EnrolmentSource.WALK_IN
        )
        return
    try:
        with transaction.atomic():
            Enrolment.objects.create(
                session=session,
                member=member,
                source=EnrolmentSource.WALK_IN,
                enrolled_by=recorded_by,
            )
    except IntegrityError:
        pass  # enrolled by a concurrent check-in of the same member


def check_in(
    session: TrainingSession,
    member: Member,
    *,
    method: str,
    recorded_by: User | None = None,
    day: datetime.date | None = None,
) -> tuple[Attendance, bool]:
    """Record ``member`` present at ``session`` on ``day``; ``(attendance, created)``.

    Safe under any number of concurrent calls: the unique constraint decides, a duplicate
    returns the row that won. Members of the session's subtree who were not enrolled are
    enrolled as walk-ins, unless the session takes no walk-ins and the member is checking
    themself in (``CheckInRefused`` then, with a message for the member).
    """
    day = _checkin_day(session, day)
    _enrol_walk_in(session, member, method=method, recorded_by=recorded_by)
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
        Member.objects.active()
        .select_related("unit")
        # Identity numbers are unique per organisation tree (the members' ``tree`` key).
        .filter(cccd=number, date_of_birth=date_of_birth, tree=tree_key(session.unit.path))
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


def can_mark_attendance(actor: User, session: TrainingSession) -> bool:
    return session.trainer_id == getattr(actor, "pk", None) or has_role_on(
        actor, session.unit, TRAINING_MANAGERS
    )


def mark_attendance(
    actor: User,
    session: TrainingSession,
    present_ids: Iterable[int],
    day: datetime.date,
    absent_ids: Iterable[int] = (),
) -> dict[str, int]:
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


# --- Attendance sheets ---------------------------------------------------------------------------


def import_attendance_row(
    actor: User,
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
