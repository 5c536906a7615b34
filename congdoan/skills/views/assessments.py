"""The question bank and the assessments drawn from it: lists, new questions, new / edit
assessments. (Members take assessments on their own pages, ``views.me``.)"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from congdoan.org.decorators import officers_only
from congdoan.org.queries import visible_unit

from .. import queries, services
from ..forms import AssessmentForm, QuestionForm
from ..models import Assessment, Question
from .pages import form_page, list_page


@login_required
@require_GET
@officers_only
def questions(request: HttpRequest) -> HttpResponse:
    qs = (
        Question.objects.visible_to(request.user)
        .select_related("competence", "unit")
        .prefetch_related("choices")
    )
    code = request.GET.get("competence", "")
    if code:
        qs = qs.filter(competence__code=code)
    return list_page(
        request,
        "skills/questions.html",
        page=Paginator(qs, 50).get_page(request.GET.get("page")),
        competence=code,
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest, code: str) -> HttpResponse:
    unit = visible_unit(request.user, code)
    form = QuestionForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda: services.save_question(
            request.user,
            unit,
            competence=form.cleaned_data["competence"],
            step=form.cleaned_data["step"],
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            explanation=form.cleaned_data["explanation"],
            choices=form.choices(),
        ),
        title=_("New question for the bank of %(unit)s") % {"unit": unit.name},
        back=reverse("skills:questions"),
        success=_("Question added."),
    )


@login_required
@require_GET
@officers_only
def assessments(request: HttpRequest) -> HttpResponse:
    items = Assessment.objects.visible_to(request.user).select_related("competence", "unit")
    return list_page(request, "skills/assessments.html", items=items)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, code: str) -> HttpResponse:
    unit = visible_unit(request.user, code)
    form = AssessmentForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda: services.save_assessment(request.user, unit, **form.cleaned_data),
        title=_("New assessment of %(unit)s") % {"unit": unit.name},
        back=reverse("skills:assessments"),
        success=_("Assessment saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = queries.visible_assessment(request.user, pk, to_change=True)
    form = AssessmentForm(request.POST or None, instance=Assessment.objects.get(pk=pk))
    return form_page(
        request,
        form,
        lambda: services.save_assessment(
            request.user, assessment.unit, assessment=assessment, **form.cleaned_data
        ),
        title=assessment.title,
        back=reverse("skills:assessments"),
        success=_("Assessment saved."),
    )
