"""The member's own pages (the member portal links here): their skill profile, sessions and
assessments open to them, enrolling, taking an assessment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congdoan.common.errors import visible_or_404
from congdoan.members.models import Member

from .. import queries, services
from ..models import Attempt, Question, TrainingSession
from .pages import flash_errors


def _me(request: HttpRequest) -> Member:
    member = queries.member_for_user(request.user)
    if member is None:
        raise Http404(_("Your account is not linked to a member record."))
    return member


@login_required
@require_GET
def my_skills(request: HttpRequest) -> HttpResponse:
    member = queries.member_for_user(request.user)
    if member is None:
        return render(request, "skills/my_none.html")
    return render(
        request,
        "skills/profile.html",
        {
            "member": member,
            **queries.profile(member),
            **queries.member_training(member, revoked_certificates=False),
            "officer_view": False,
            "open_sessions": queries.sessions_open_to(member, timezone.localdate())[:20],
            "assessments_open": queries.assessments_open_to(member),
        },
    )


@login_required
@require_POST
def my_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    member = _me(request)
    session = visible_or_404(TrainingSession.objects.select_related("unit"), pk=pk)
    if not services.can_self_enrol(member, session):
        raise Http404
    try:
        services.self_enrol(member, session)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request, _("You are enrolled in %(course)s.") % {"course": session.course.title}
        )
    return redirect("skills:my_skills")


@login_required
@require_http_methods(["GET", "POST"])
def my_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    member = _me(request)
    assessment = visible_or_404(queries.assessments_open_to(member), pk=pk)
    if request.method == "POST":
        try:
            attempt = services.start_attempt(member, assessment)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            return redirect("skills:my_attempt", pk=attempt.pk)
    return render(
        request,
        "skills/assessment_start.html",
        {
            "assessment": assessment,
            "attempts": Attempt.objects.filter(member=member, assessment=assessment),
            "left": queries.attempts_left(member, assessment),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    member = _me(request)
    attempt = visible_or_404(
        Attempt.objects.filter(member=member).select_related("assessment__competence"), pk=pk
    )
    if request.method == "POST" and attempt.is_open:
        answers = {str(q): request.POST.getlist(f"q{q}") for q in attempt.question_ids}
        try:
            attempt = services.submit_attempt(attempt, answers)
        except ValidationError as exc:
            flash_errors(request, exc)
        return redirect("skills:my_attempt", pk=attempt.pk)
    by_id = {
        q.pk: q
        for q in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices")
    }
    items = [by_id[q] for q in attempt.question_ids if q in by_id]
    for q in items:
        q.chosen = {int(c) for c in attempt.answers.get(str(q.pk), []) if str(c).isdigit()}
    remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    return render(
        request,
        "skills/attempt.html",
        {"attempt": attempt, "questions": items, "remaining": remaining},
    )
