"""The training catalogue of a unit: courses and their materials, the question bank and the
assessments drawn from it, campaigns, and enterprise training plans. Catalogue items are
owned by a unit and offered to the units below it (``skills.scoping``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.common import uploads
from congdoan.org.choices import TRAINING_MANAGERS
from congdoan.org.models import Unit
from congdoan.org.paths import is_within
from congdoan.org.services import require_role

from ..choices import QuestionKind
from ..models import (
    Assessment,
    Campaign,
    Choice,
    Competence,
    Course,
    CourseMaterial,
    Question,
    TrainingPlan,
)
from .editing import item_to_save, save_checked, set_fields


@transaction.atomic
def save_course(
    actor: User,
    unit: Unit,
    *,
    competences: Iterable[Competence],
    course: Course | None = None,
    **fields,
) -> Course:
    course = item_to_save(actor, unit, course, Course, TRAINING_MANAGERS)
    set_fields(course, fields)
    if (
        course.assessment_id
        and not Assessment.objects.visible_to(actor).filter(pk=course.assessment_id).exists()
    ):
        raise ValidationError({"assessment": _("Choose an assessment you can see.")})
    save_checked(course, history_user=actor)
    course.competences.set(list(competences))
    return course


@transaction.atomic
def add_material(
    actor: User, course: Course, *, title: str, file: UploadedFile | None = None, url: str = ""
) -> CourseMaterial:
    require_role(actor, course.unit, TRAINING_MANAGERS)
    material = CourseMaterial(
        course=course, title=title, url=url, order=course.materials.count() + 1
    )
    if file:
        with uploads.refused_as("file"):
            uploads.check_size(file)
        material.file = file
    material.full_clean()
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
    actor: User,
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
    question = item_to_save(actor, unit, question, Question, TRAINING_MANAGERS)
    if kind == QuestionKind.TRUE_FALSE and not any(t.strip() for t, _c in choices):
        choices = [
            (_("True"), bool(choices and choices[0][1])),
            (_("False"), not (choices and choices[0][1])),
        ]
    _check_choices(kind, choices)
    fields = {"competence": competence, "step": step, "kind": kind}
    save_checked(question, {**fields, "text": text.strip(), "explanation": explanation.strip()})
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
    actor: User, unit: Unit, *, assessment: Assessment | None = None, **fields
) -> Assessment:
    assessment = item_to_save(actor, unit, assessment, Assessment, TRAINING_MANAGERS)
    return save_checked(assessment, fields)


@transaction.atomic
def save_campaign(
    actor: User,
    unit: Unit,
    *,
    units: Iterable[Unit] = (),
    campaign: Campaign | None = None,
    **fields,
) -> Campaign:
    campaign = item_to_save(actor, unit, campaign, Campaign, TRAINING_MANAGERS)
    units = list(units)
    for u in units:
        if not is_within(u.path, campaign.unit.path):
            raise ValidationError(
                {"units": _("%(unit)s is not under the organiser.") % {"unit": u.name}}
            )
    save_checked(campaign, fields)
    campaign.units.set(units)
    return campaign


@transaction.atomic
def save_plan(
    actor: User, unit: Unit, *, plan: TrainingPlan | None = None, **fields
) -> TrainingPlan:
    plan = item_to_save(actor, unit, plan, TrainingPlan, TRAINING_MANAGERS)
    return save_checked(plan, fields)
