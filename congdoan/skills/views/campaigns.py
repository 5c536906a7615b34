"""Campaigns ("Digital Education for All" and the like: a target share of members meeting a
definition by a date) and enterprise training plans (planned against actual learners)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from congdoan.org.decorators import officers_only
from congdoan.org.queries import visible_unit

from .. import queries, services
from ..choices import EnrolmentStatus
from ..forms import CampaignForm, PlanForm
from ..models import Campaign, TrainingPlan, TrainingSession
from .pages import form_page, list_page


@login_required
@require_GET
@officers_only
def campaigns(request: HttpRequest) -> HttpResponse:
    items = Campaign.objects.visible_to(request.user).select_related("unit", "definition")
    return list_page(request, "skills/campaigns.html", items=items)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest, code: str) -> HttpResponse:
    unit = visible_unit(request.user, code)
    form = CampaignForm(request.POST or None, user=request.user, unit=unit)

    def save():
        data = dict(form.cleaned_data)
        units = data.pop("units")
        return services.save_campaign(request.user, unit, units=units, **data)

    return form_page(
        request,
        form,
        save,
        title=_("New campaign of %(unit)s") % {"unit": unit.name},
        back=reverse("skills:campaigns"),
        success=_("Campaign saved."),
        then=lambda c: reverse("skills:campaign_detail", args=[c.pk]),
    )


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = queries.visible_campaign(request.user, pk)
    sessions = (
        TrainingSession.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("course", "unit")
        .annotate(
            n_done=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.COMPLETED))
        )
    )
    top = queries.campaign_report_unit(request.user, campaign)
    rows = queries.campaign_rows(top, timezone.localdate()) if top else []
    row = next((r for r in rows if r["campaign"].pk == campaign.pk), None)
    return render(
        request,
        "skills/campaign_detail.html",
        {
            "campaign": campaign,
            "sessions": sessions[:100],
            "row": row,
            "top": top,
            "units": campaign.units.all(),
        },
    )


@login_required
@require_GET
@officers_only
def plans(request: HttpRequest) -> HttpResponse:
    items = (
        TrainingPlan.objects.visible_to(request.user)
        .select_related("unit")
        .annotate(
            computed=Count(
                "sessions__enrolments",
                filter=Q(sessions__enrolments__status=EnrolmentStatus.COMPLETED),
            )
        )
    )
    return list_page(request, "skills/plans.html", items=items)


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, code: str) -> HttpResponse:
    unit = visible_unit(request.user, code)
    form = PlanForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda: services.save_plan(request.user, unit, **form.cleaned_data),
        title=_("New training plan of %(unit)s") % {"unit": unit.name},
        back=reverse("skills:plans"),
        success=_("Training plan saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = queries.visible_plan(request.user, pk)
    form = PlanForm(request.POST or None, instance=TrainingPlan.objects.get(pk=pk))
    return form_page(
        request,
        form,
        lambda: services.save_plan(request.user, plan.unit, plan=plan, **form.cleaned_data),
        title=plan.title,
        back=reverse("skills:plans"),
        success=_("Training plan saved."),
    )
