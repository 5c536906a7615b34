"""Training sessions: list, new / edit, the session's page (enrolments, progress, attendance
of a day, its QR code), enrolling one by one or in bulk, closing, and the public check-in
page the QR code opens."""

from __future__ import annotations

import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congdoan.common.errors import visible_or_404
from congdoan.common.forms import add_service_errors
from congdoan.members.models import Member
from congdoan.org.choices import TRAINING_MANAGERS
from congdoan.org.decorators import officers_only
from congdoan.org.queries import visible_unit
from congdoan.org.scoping import has_role_on

from .. import certificates, queries, services
from ..choices import CheckInMethod, EnrolmentSource, SessionStatus
from ..forms import BulkEnrolForm, CheckInForm, SessionForm
from ..models import TrainingSession
from .pages import day_param, flash_errors, form_page, list_page


def _session_url(session: TrainingSession) -> str:
    return reverse("skills:session_detail", args=[session.pk])


def checkin_url(session: TrainingSession) -> str:
    """The check-in page on the public address: members' phones must reach it, whatever
    address the officer opened the session page from."""
    return certificates.public_url(reverse("skills:checkin", args=[session.checkin_token]))


def _enrol_message(request: HttpRequest, result: dict[str, int]) -> None:
    messages.success(
        request,
        _("%(n)s enrolled, %(a)s already enrolled, %(o)s over capacity.")
        % {"n": result["enrolled"], "a": result["already"], "o": result["over_capacity"]},
    )


@login_required
@require_GET
@officers_only
def sessions(request: HttpRequest) -> HttpResponse:
    qs = (
        TrainingSession.objects.visible_to(request.user)
        .select_related("course", "unit")
        .annotate(n_enrolled=Count("enrolments", distinct=True))
        # Meta.ordering is not applied to GROUP BY queries: order explicitly for stable pages.
        .order_by("-starts_on", "-pk")
    )
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    if request.GET.get("today"):  # the home page's "sessions today"
        today = timezone.localdate()
        qs = qs.filter(starts_on__lte=today, ends_on__gte=today)
    return list_page(
        request,
        "skills/sessions.html",
        page=Paginator(qs, 50).get_page(request.GET.get("page")),
        status=status,
        statuses=SessionStatus.choices,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, code: str) -> HttpResponse:
    unit = visible_unit(request.user, code)
    initial = {
        "starts_on": timezone.localdate(),
        "ends_on": timezone.localdate(),
        "course": request.GET.get("course"),
    }
    form = SessionForm(request.POST or None, user=request.user, unit=unit, initial=initial)
    return form_page(
        request,
        form,
        lambda: services.save_session(request.user, unit, **form.cleaned_data),
        title=_("New training session of %(unit)s") % {"unit": unit.name},
        back=reverse("skills:sessions"),
        success=_("Session saved."),
        then=_session_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = queries.visible_session(request.user, pk)
    form = SessionForm(
        request.POST or None, instance=TrainingSession.objects.get(pk=pk), user=request.user
    )
    return form_page(
        request,
        form,
        lambda: services.save_session(
            request.user, session.unit, session=session, **form.cleaned_data
        ),
        title=str(session),
        back=_session_url(session),
        success=_("Session saved."),
        then=_session_url,
    )


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = queries.visible_session(request.user, pk)
    day = day_param(request.GET.get("day")) or min(
        max(timezone.localdate(), session.starts_on), session.ends_on
    )
    status = queries.completion_status(session)
    enrolments = list(
        session.enrolments.select_related("member__unit").order_by("member__name_folded")
    )
    present = set(session.attendances.filter(day=day).values_list("member_id", flat=True))
    for e in enrolments:
        e.progress = status.get(e.member_id)
        e.present = e.member_id in present
    days = [
        session.starts_on + datetime.timedelta(days=i)
        for i in range((session.ends_on - session.starts_on).days + 1)
    ]
    url = checkin_url(session)
    return render(
        request,
        "skills/session_detail.html",
        {
            "session": session,
            "enrolments": enrolments,
            "day": day,
            "days": days[:60],
            "qr": certificates.qr_svg(url),
            "checkin_url": url,
            "can_manage": has_role_on(request.user, session.unit, TRAINING_MANAGERS),
            "can_mark": services.can_mark_attendance(request.user, session),
            "bulk_form": BulkEnrolForm(user=request.user, initial={"unit": session.unit.code}),
            "present_count": len(present),
        },
    )


@login_required
@require_GET
def session_qr(request: HttpRequest, pk: int) -> HttpResponse:
    session = queries.visible_session(request.user, pk)
    return HttpResponse(
        certificates.qr_svg(checkin_url(session), scale=10), content_type="image/svg+xml"
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """One by one: search members of the session's subtree and enrol the chosen ones."""
    session = queries.visible_session(request.user, pk)
    q = request.GET.get("q", "").strip()
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("member") if i.isdigit()]
        try:
            _enrol_message(request, services.enrol_members(request.user, session, ids))
        except ValidationError as exc:
            flash_errors(request, exc)
        return redirect(_session_url(session))
    results = []
    if q:
        results = (
            Member.objects.visible_to(request.user)
            .active()
            .search(q)
            .select_related("unit")
            .exclude(skill_enrolments__session=session)[:30]
        )
    template = "skills/_member_results.html" if request.htmx else "skills/session_enrol.html"
    return render(request, template, {"session": session, "q": q, "results": results})


@login_required
@require_POST
def session_bulk_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    session = queries.visible_session(request.user, pk)
    form = BulkEnrolForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Check the bulk enrolment form."))
        return redirect(_session_url(session))
    unit = visible_unit(request.user, form.cleaned_data["unit"])
    try:
        result = services.bulk_enrol(
            request.user,
            session,
            unit,
            definition=form.cleaned_data["definition"],
            only_untrained=form.cleaned_data["only_untrained"],
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        _enrol_message(request, result)
    return redirect(_session_url(session))


@login_required
@require_POST
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = queries.visible_session(request.user, pk)
    raw_day = request.POST.get("day")
    day = day_param(raw_day) if raw_day else timezone.localdate()
    shown = [int(i) for i in request.POST.getlist("shown") if i.isdigit()]
    present = {int(i) for i in request.POST.getlist("present") if i.isdigit()}
    try:
        if day is None:
            # The page always posts a real day; marking today instead would mark the wrong one.
            raise ValidationError(_("Enter a valid date."))
        result = services.mark_attendance(
            request.user, session, present, day, absent_ids=[m for m in shown if m not in present]
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("Attendance saved: %(n)s marked present, %(r)s removed.")
            % {"n": result["marked"], "r": result["removed"]},
        )
    url = _session_url(session)
    return redirect(f"{url}?day={day:%Y-%m-%d}" if day else url)


@login_required
@require_POST
def session_close(request: HttpRequest, pk: int) -> HttpResponse:
    session = queries.visible_session(request.user, pk)
    result = services.close_session(request.user, session)
    messages.success(
        request,
        _("Session closed: %(c)s completed the course, %(n)s did not.")
        % {"c": result["completed"], "n": result["not_completed"]},
    )
    return redirect(_session_url(session))


@login_required
@require_POST
def enrolment_cancel(request: HttpRequest, pk: int, enrolment_id: int) -> HttpResponse:
    session = queries.visible_session(request.user, pk)
    enrolment = visible_or_404(session.enrolments.all(), pk=enrolment_id)
    try:
        services.cancel_enrolment(request.user, enrolment)
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect(_session_url(session))


# --- public check-in -----------------------------------------------------------------------------

CHECKIN_FAILURES_ALLOWED = 10
CHECKIN_FAILURE_WINDOW = 15 * 60  # seconds
# The alphabet of ``new_checkin_token``. Anything else is no token and is answered 404 before
# the query: PostgreSQL refuses a NUL character in a parameter with an error (a 500).
CHECKIN_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,32}")


@never_cache
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The page the session's QR code opens: a logged-in member confirms with one tap, anyone
    else gives their CCCD and date of birth."""
    if not CHECKIN_TOKEN.fullmatch(token):
        raise Http404
    session = (
        TrainingSession.objects.select_related("course", "unit").filter(checkin_token=token).first()
    )
    if session is None:
        raise Http404
    member = queries.member_for_user(request.user)
    account_mode = request.method == "POST" and request.POST.get("mode") == "account"
    form = CheckInForm(request.POST if request.method == "POST" and not account_mode else None)
    done = refused = None
    # Identity numbers and birth dates must not be guessable by trial: failures per address are capped.
    fail_key = f"skills:checkin-failures:{request.META.get('REMOTE_ADDR', '')}"
    if account_mode and member is not None:
        # The logged-in member's own tap: a refusal is a message for them, not a form error
        # (the identity form was not sent, so it has nothing to hold one).
        try:
            done = services.check_in(session, member, method=CheckInMethod.QR_ACCOUNT)
        except ValidationError as exc:
            refused = " ".join(exc.messages)
    elif request.method == "POST" and not account_mode:
        try:
            if cache.get(fail_key, 0) >= CHECKIN_FAILURES_ALLOWED:
                form.is_valid()
                form.add_error(
                    None, _("Too many failed attempts. Ask the trainer to mark your attendance.")
                )
            elif form.is_valid():
                done = services.check_in_with_identity(
                    session, form.cleaned_data["cccd"], form.cleaned_data["date_of_birth"]
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
            cache.set(fail_key, cache.get(fail_key, 0) + 1, CHECKIN_FAILURE_WINDOW)
    # Enrolled on the spot: a walk-in enrolment and this first attendance.
    walked_in = bool(
        done
        and done[1]
        and session.enrolments.filter(
            member=done[0].member_id, source=EnrolmentSource.WALK_IN
        ).exists()
        and session.attendances.filter(member=done[0].member_id).count() == 1
    )
    return render(
        request,
        "skills/checkin.html",
        {
            "session": session,
            "member": member,
            "form": form,
            "done": done,
            "refused": refused,
            "walked_in": walked_in,
        },
    )
