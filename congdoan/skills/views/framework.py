"""The skills home page, the competence framework (federation administrators correct its
wording and open new versions) and the skills definitions of units."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from congdoan.common.errors import visible_or_404
from congdoan.common.views import form_page as common_form_page
from congdoan.org.decorators import officers_only
from congdoan.org.queries import holds_role, visible_unit

from .. import queries, services
from ..forms import AreaForm, CompetenceForm, DefinitionForm, NewVersionForm
from ..models import (
    Competence,
    CompetenceArea,
    DigitalSkillsDefinition,
    FrameworkVersion,
    TrainingSession,
)
from .pages import form_page, list_page


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not holds_role(user):
        return redirect("skills:my_skills")  # a worker's part of the movement is their own page
    today = timezone.localdate()
    sessions = (
        TrainingSession.objects.visible_to(user)
        .filter(ends_on__gte=today)
        .select_related("course", "unit")
        .order_by("starts_on")[:10]
    )
    return list_page(
        request,
        "skills/home.html",
        sessions=sessions,
        member=queries.member_for_user(user),
        is_framework_admin=services.is_framework_admin(user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def framework(request: HttpRequest) -> HttpResponse:
    version = FrameworkVersion.current()
    is_admin = services.is_framework_admin(request.user)
    if request.method == "POST" and not is_admin:
        raise Http404
    context = {
        "version": version,
        "areas": version.areas.prefetch_related("competences") if version else [],
        "is_admin": is_admin,
        "versions": FrameworkVersion.objects.annotate(n=Count("competences")),
    }
    if not is_admin:
        return render(request, "skills/framework.html", {**context, "form": None})
    form = NewVersionForm(request.POST or None)
    return common_form_page(
        request,
        form,
        lambda: services.new_framework_version(request.user, **form.cleaned_data),
        template="skills/framework.html",
        context=context,
        success=_("New framework version created."),
        then="skills:framework",
    )


def _framework_admin_or_404(request: HttpRequest) -> None:
    if not services.is_framework_admin(request.user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def competence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _framework_admin_or_404(request)
    competence = visible_or_404(Competence.objects.all(), pk=pk)
    form = CompetenceForm(request.POST or None, instance=Competence.objects.get(pk=pk))
    return form_page(
        request,
        form,
        lambda: services.update_competence(request.user, competence, **form.cleaned_data),
        title=f"{competence.code} {competence.name}",
        back=reverse("skills:framework"),
        success=_("Changes saved."),
        history=competence.history.select_related("history_user").order_by("-history_date")[:10],
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _framework_admin_or_404(request)
    area = visible_or_404(CompetenceArea.objects.all(), pk=pk)
    form = AreaForm(request.POST or None, instance=CompetenceArea.objects.get(pk=pk))
    return form_page(
        request,
        form,
        lambda: services.update_area(request.user, area, **form.cleaned_data),
        title=f"{area.code}. {area.name}",
        back=reverse("skills:framework"),
        success=_("Changes saved."),
    )


@login_required
@require_GET
@officers_only
def definitions(request: HttpRequest) -> HttpResponse:
    items = (
        DigitalSkillsDefinition.objects.visible_to(request.user)
        .select_related("unit")
        .prefetch_related("competences")
    )
    return list_page(request, "skills/definitions.html", items=items, today=timezone.localdate())


@login_required
@require_http_methods(["GET", "POST"])
def definition_new(request: HttpRequest, code: str) -> HttpResponse:
    unit = visible_unit(request.user, code)
    form = DefinitionForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    return form_page(
        request,
        form,
        lambda: services.save_definition(
            request.user,
            unit,
            competences=form.cleaned_data["competences"],
            **form.service_fields(),
        ),
        title=_("New skills definition for %(unit)s") % {"unit": unit.name},
        back=reverse("skills:definitions"),
        success=_("Definition saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def definition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    definition = queries.visible_definition(request.user, pk, to_change=True)
    form = DefinitionForm(request.POST or None, instance=DigitalSkillsDefinition.objects.get(pk=pk))
    return form_page(
        request,
        form,
        lambda: services.save_definition(
            request.user,
            definition.unit,
            definition=definition,
            competences=form.cleaned_data["competences"],
            **form.service_fields(),
        ),
        title=definition.name,
        back=reverse("skills:definitions"),
        success=_("Definition saved."),
    )
