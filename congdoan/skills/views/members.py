"""A member's skill profile as officers see it: steps per competence, definitions met,
records with their evidence; attesting a skill and withdrawing a record."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from congdoan.members.queries import visible_member
from congdoan.org.choices import TRAINING_MANAGERS
from congdoan.org.scoping import has_role_on

from .. import queries, services
from ..forms import AttestForm, ReasonForm
from .pages import form_page


def _skills_url(member_id: int) -> str:
    return reverse("skills:member_skills", args=[member_id])


@login_required
@require_GET
def member_skills(request: HttpRequest, member_id: int) -> HttpResponse:
    member = visible_member(request.user, member_id)
    return render(
        request,
        "skills/profile.html",
        {
            "member": member,
            **queries.profile(member),
            **queries.member_training(member),
            "officer_view": True,
            "can_attest": has_role_on(request.user, member.unit, TRAINING_MANAGERS),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_attest(request: HttpRequest, member_id: int) -> HttpResponse:
    member = visible_member(request.user, member_id)
    form = AttestForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda: services.attest_skill(request.user, member, **form.cleaned_data),
        title=_("Attest a skill of %(name)s") % {"name": member.full_name},
        back=_skills_url(member.pk),
        success=_("Skill recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    record = queries.visible_record(request.user, pk)
    form = ReasonForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda: services.revoke_record(request.user, record, form.cleaned_data["reason"]),
        title=_("Withdraw the record %(code)s → step %(step)s")
        % {"code": record.competence.code, "step": record.step},
        back=_skills_url(record.member_id),
        success=_("Record withdrawn."),
    )
