"""Assessments taken by members: an attempt draws its questions at random from the bank and
runs against the clock; a pass records the competence (and completes the courses that were
waiting only for it).
"""

from __future__ import annotations

import datetime
import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.members.models import Member

from ..choices import RecordSource
from ..models import Assessment, Attempt, Choice, SkillRecord
from .training import complete_waiting_for

# Answers arriving this long after the deadline still count (network, slow phones).
SUBMIT_GRACE = datetime.timedelta(seconds=60)


@transaction.atomic
def start_attempt(
    member: Member,
    assessment: Assessment,
    now: datetime.datetime | None = None,
    rng: random.Random | None = None,
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
def submit_attempt(
    attempt: Attempt, answers: dict, now: datetime.datetime | None = None
) -> Attempt:
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
        complete_waiting_for(attempt.member, attempt.assessment, timezone.localdate(now))
    return attempt


def expire_unsubmitted(
    assessment: Assessment | None = None, now: datetime.datetime | None = None
) -> int:
    """Close attempts whose time ran out without answers (score 0)."""
    now = now or timezone.now()
    qs = Attempt.objects.filter(submitted_at__isnull=True, deadline__lt=now - SUBMIT_GRACE)
    if assessment is not None:
        qs = qs.filter(assessment=assessment)
    return qs.update(submitted_at=now, score_percent=0, passed=False)
