"""What the skills records do when units merge or duplicate member records are folded.

Unit merge (``org.hooks``): the merged unit's courses, question bank, assessments,
campaigns, training plans and sessions go to the target unit, so its officers keep
running them. Skills definitions stay with the merged unit: its members now follow the
target's own definitions (or its ancestors'). Certificates keep their issuing unit, whose
name they also carry as printed.

Member merge (``members.hooks``): skill records, certificates, and the duplicate's
enrolments, attendance and attempts move to the record kept, except rows that would clash
with the kept record's own (same session, same day, same attempt number), which stay with
the duplicate as history.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from congdoan.accounts.models import User
from congdoan.members.models import Member
from congdoan.org.models import Unit

from .models import (
    Assessment,
    Attempt,
    Attendance,
    Campaign,
    Certificate,
    Course,
    Enrolment,
    Question,
    SkillRecord,
    TrainingPlan,
    TrainingSession,
)

MOVED_WITH_UNIT = (Course, Question, Assessment, Campaign, TrainingPlan, TrainingSession)


def move_records_of_merged_unit(actor: User, source: Unit, target: Unit) -> None:
    for model in MOVED_WITH_UNIT:
        model.objects.filter(unit=source).update(unit=target)


def move_records_of_duplicate_member(actor: User, duplicate: Member, keep: Member) -> None:
    SkillRecord.objects.filter(member=duplicate).update(member=keep)
    Certificate.objects.filter(member=duplicate).update(member=keep)
    Enrolment.objects.filter(member=duplicate).exclude(
        Exists(Enrolment.objects.filter(member=keep, session=OuterRef("session")))
    ).update(member=keep)
    Attendance.objects.filter(member=duplicate).exclude(
        Exists(
            Attendance.objects.filter(member=keep, session=OuterRef("session"), day=OuterRef("day"))
        )
    ).update(member=keep)
    Attempt.objects.filter(member=duplicate).exclude(
        Exists(
            Attempt.objects.filter(
                member=keep, assessment=OuterRef("assessment"), number=OuterRef("number")
            )
        )
    ).update(member=keep)
