"""Pages of the digital skills movement. Thin: read through ``queries`` and scoped querysets,
write through ``services``. Out-of-scope objects are 404."""

from __future__ import annotations

import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congdoan.common.exports import CSV_CONTENT_TYPE
from congdoan.members.models import Member
from congdoan.org.choices import TRAINING_MANAGERS
from congdoan.org.models import RoleAssignment, Unit
from congdoan.org.scoping import has_role_on

from . import certificates, exports, queries, services
from .choices import CheckInMethod, EnrolmentStatus, SessionStatus
from .forms import (
    AreaForm,
    AssessmentForm,
    AttestForm,
    BulkEnrolForm,
    CampaignForm,
    CheckInForm,
    CompetenceForm,
    CourseForm,
    DefinitionForm,
    MaterialForm,
    NewVersionForm,
    PlanForm,
    QuestionForm,
    ReasonForm,
    SessionForm,
)
from .models import (
    Assessment,
    Attempt,
    Campaign,
    Certificate,
    Competence,
    CompetenceArea,
    Course,
    DigitalSkillsDefinition,
    FrameworkVersion,
    Question,
    SkillRecord,
    TrainingPlan,
    TrainingSession,
)

# --- helpers -----------------------------------------------------------------------------------


def _get(qs, **lookup):
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise Http404(_("Not found in your scope."))
    return obj


def _unit(user, code: str) -> Unit:
    return _get(Unit.objects.visible_to(user), code=code.upper())


def _day_param(raw: str | None) -> datetime.date | None:
    """The day in a ``YYYY-MM-DD`` parameter; None when it is missing or not a real date
    (``parse_date`` raises ValueError on a well-formed impossible one such as 2026-99-99)."""
    try:
        return parse_date(raw or "")
    except ValueError:
        return None


def _errors_into(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _managed_units(user):
    """Units where the user may create training items (their assignments)."""
    if user.is_superuser:
        return Unit.objects.filter(depth=1)
    ids = RoleAssignment.objects.filter(
        user=user, role__in=TRAINING_MANAGERS, unit__status="active"
    ).values("unit_id")
    return Unit.objects.filter(pk__in=ids).order_by("path")


def _form_page(request, form, title, back, *, multipart=False, extra=None):
    return render(
        request,
        "skills/form.html",
        {"form": form, "title": title, "back": back, "multipart": multipart, **(extra or {})},
    )


def _save_with(request, form, call, success: str, redirect_to):
    try:
        obj = call()
    except ValidationError as exc:
        _errors_into(form, exc)
        return None
    messages.success(request, success)
    return redirect(redirect_to(obj) if callable(redirect_to) else redirect_to)


# --- home, framework, definitions --------------------------------------------------------------


@login_required
@require_GET
def home(request):
    user = request.user
    today = timezone.localdate()
    sessions = (
        TrainingSession.objects.visible_to(user)
        .filter(ends_on__gte=today)
        .select_related("course", "unit")
        .order_by("starts_on")[:10]
    )
    return render(
        request,
        "skills/home.html",
        {
            "sessions": sessions,
            "units": _managed_units(user),
            "member": queries.member_for_user(user),
            "is_framework_admin": services.is_framework_admin(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def framework(request):
    version = FrameworkVersion.current()
    is_admin = services.is_framework_admin(request.user)
    form = NewVersionForm(request.POST or None) if is_admin else None
    if request.method == "POST":
        if not is_admin:
            raise Http404
        if form.is_valid():
            response = _save_with(
                request,
                form,
                lambda: services.new_framework_version(request.user, **form.cleaned_data),
                _("New framework version created."),
                "skills:framework",
            )
            if response:
                return response
    areas = version.areas.prefetch_related("competences") if version else []
    return render(
        request,
        "skills/framework.html",
        {
            "version": version,
            "areas": areas,
            "is_admin": is_admin,
            "form": form,
            "versions": FrameworkVersion.objects.annotate(n=Count("competences")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def competence_edit(request, pk):
    if not services.is_framework_admin(request.user):
        raise Http404
    competence = _get(Competence.objects.all(), pk=pk)
    form = CompetenceForm(request.POST or None, instance=Competence.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.update_competence(request.user, competence, **form.cleaned_data),
            _("Changes saved."),
            "skills:framework",
        )
        if response:
            return response
    history = competence.history.select_related("history_user").order_by("-history_date")[:10]
    return _form_page(
        request,
        form,
        f"{competence.code} {competence.name}",
        reverse("skills:framework"),
        extra={"history": history},
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_edit(request, pk):
    if not services.is_framework_admin(request.user):
        raise Http404
    area = _get(CompetenceArea.objects.all(), pk=pk)
    form = AreaForm(request.POST or None, instance=CompetenceArea.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.update_area(request.user, area, **form.cleaned_data),
            _("Changes saved."),
            "skills:framework",
        )
        if response:
            return response
    return _form_page(request, form, f"{area.code}. {area.name}", reverse("skills:framework"))


@login_required
@require_GET
def definitions(request):
    items = (
        DigitalSkillsDefinition.objects.visible_to(request.user)
        .select_related("unit")
        .prefetch_related("competences")
    )
    return render(
        request,
        "skills/definitions.html",
        {"items": items, "units": _managed_units(request.user), "today": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def definition_new(request, code):
    unit = _unit(request.user, code)
    form = DefinitionForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.save_definition(
                request.user,
                unit,
                competences=form.cleaned_data["competences"],
                **form.service_fields(),
            ),
            _("Definition saved."),
            "skills:definitions",
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        _("New skills definition for %(unit)s") % {"unit": unit.name},
        reverse("skills:definitions"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def definition_edit(request, pk):
    definition = _get(DigitalSkillsDefinition.objects.visible_to(request.user), pk=pk)
    if not has_role_on(request.user, definition.unit):
        raise Http404
    form = DefinitionForm(request.POST or None, instance=DigitalSkillsDefinition.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.save_definition(
                request.user,
                definition.unit,
                definition=definition,
                competences=form.cleaned_data["competences"],
                **form.service_fields(),
            ),
            _("Definition saved."),
            "skills:definitions",
        )
        if response:
            return response
    return _form_page(request, form, definition.name, reverse("skills:definitions"))


# --- courses ----------------------------------------------------------------------------------


@login_required
@require_GET
def courses(request):
    qs = (
        Course.objects.visible_to(request.user)
        .select_related("unit")
        .prefetch_related("competences")
        .annotate(n_sessions=Count("sessions"))
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code__icontains=q))
    return render(
        request, "skills/courses.html", {"items": qs, "q": q, "units": _managed_units(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_new(request, code):
    unit = _unit(request.user, code)
    form = CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.save_course(
                request.user,
                unit,
                competences=form.cleaned_data["competences"],
                **form.service_fields(),
            ),
            _("Course saved."),
            lambda c: reverse("skills:course_detail", args=[c.pk]),
        )
        if response:
            return response
    return _form_page(
        request, form, _("New course of %(unit)s") % {"unit": unit.name}, reverse("skills:courses")
    )


@login_required
@require_GET
def course_detail(request, pk):
    course = _get(
        Course.objects.visible_to(request.user).select_related("unit", "assessment"), pk=pk
    )
    sessions = (
        TrainingSession.objects.visible_to(request.user)
        .filter(course=course)
        .select_related("unit")
    )
    return render(
        request,
        "skills/course_detail.html",
        {
            "course": course,
            "sessions": sessions[:50],
            "materials": course.materials.all(),
            "can_edit": has_role_on(request.user, course.unit, TRAINING_MANAGERS),
            "units": _managed_units(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request, pk):
    course = _get(Course.objects.visible_to(request.user), pk=pk)
    if not has_role_on(request.user, course.unit):
        raise Http404
    form = CourseForm(request.POST or None, instance=Course.objects.get(pk=pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.save_course(
                request.user,
                course.unit,
                course=course,
                competences=form.cleaned_data["competences"],
                **form.service_fields(),
            ),
            _("Course saved."),
            lambda c: reverse("skills:course_detail", args=[c.pk]),
        )
        if response:
            return response
    return _form_page(
        request, form, course.title, reverse("skills:course_detail", args=[course.pk])
    )


@login_required
@require_http_methods(["GET", "POST"])
def material_add(request, pk):
    course = _get(Course.objects.visible_to(request.user), pk=pk)
    if not has_role_on(request.user, course.unit):
        raise Http404
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.add_material(request.user, course, **form.cleaned_data),
            _("Material added."),
            reverse("skills:course_detail", args=[course.pk]),
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        _("Add material to %(course)s") % {"course": course.title},
        reverse("skills:course_detail", args=[course.pk]),
        multipart=True,
    )


# --- sessions --------------------------------------------------------------------------------


@login_required
@require_GET
def sessions(request):
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
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "skills/sessions.html",
        {
            "page": page,
            "status": status,
            "statuses": SessionStatus.choices,
            "units": _managed_units(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request, code):
    unit = _unit(request.user, code)
    initial = {
        "starts_on": timezone.localdate(),
        "ends_on": timezone.localdate(),
        "course": request.GET.get("course"),
    }
    form = SessionForm(request.POST or None, user=request.user, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.save_session(request.user, unit, **form.cleaned_data),
            _("Session saved."),
            lambda s: reverse("skills:session_detail", args=[s.pk]),
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        _("New training session of %(unit)s") % {"unit": unit.name},
        reverse("skills:sessions"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk):
    session = _session(request, pk)
    form = SessionForm(
        request.POST or None, instance=TrainingSession.objects.get(pk=pk), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.save_session(
                request.user, session.unit, session=session, **form.cleaned_data
            ),
            _("Session saved."),
            lambda s: reverse("skills:session_detail", args=[s.pk]),
        )
        if response:
            return response
    return _form_page(
        request, form, str(session), reverse("skills:session_detail", args=[session.pk])
    )


def _session(request, pk) -> TrainingSession:
    return _get(
        TrainingSession.objects.visible_to(request.user).select_related(
            "course", "unit", "trainer"
        ),
        pk=pk,
    )


def checkin_url(request, session: TrainingSession) -> str:
    return request.build_absolute_uri(reverse("skills:checkin", args=[session.checkin_token]))


@login_required
@require_GET
def session_detail(request, pk):
    session = _session(request, pk)
    day = _day_param(request.GET.get("day")) or min(
        max(timezone.localdate(), session.starts_on), session.ends_on
    )
    status = services.completion_status(session)
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
    url = checkin_url(request, session)
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
def session_qr(request, pk):
    session = _session(request, pk)
    return HttpResponse(
        certificates.qr_svg(checkin_url(request, session), scale=10), content_type="image/svg+xml"
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_enrol(request, pk):
    """One by one: search members of the session's subtree and enrol the chosen ones."""
    session = _session(request, pk)
    q = request.GET.get("q", "").strip()
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("member") if i.isdigit()]
        try:
            result = services.enrol_members(request.user, session, ids)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(n)s enrolled, %(a)s already enrolled, %(o)s over capacity.")
                % {"n": result["enrolled"], "a": result["already"], "o": result["over_capacity"]},
            )
        return redirect("skills:session_detail", pk=session.pk)
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
def session_bulk_enrol(request, pk):
    session = _session(request, pk)
    form = BulkEnrolForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Check the bulk enrolment form."))
        return redirect("skills:session_detail", pk=session.pk)
    unit = _unit(request.user, form.cleaned_data["unit"])
    try:
        result = services.bulk_enrol(
            request.user,
            session,
            unit,
            definition=form.cleaned_data["definition"],
            only_untrained=form.cleaned_data["only_untrained"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(n)s enrolled, %(a)s already enrolled, %(o)s over capacity.")
            % {"n": result["enrolled"], "a": result["already"], "o": result["over_capacity"]},
        )
    return redirect("skills:session_detail", pk=session.pk)


@login_required
@require_POST
def session_attendance(request, pk):
    session = _session(request, pk)
    raw_day = request.POST.get("day")
    day = _day_param(raw_day) if raw_day else timezone.localdate()
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
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Attendance saved: %(n)s marked present, %(r)s removed.")
            % {"n": result["marked"], "r": result["removed"]},
        )
    url = reverse("skills:session_detail", args=[session.pk])
    return redirect(f"{url}?day={day:%Y-%m-%d}" if day else url)


@login_required
@require_POST
def session_close(request, pk):
    session = _session(request, pk)
    result = services.close_session(request.user, session)
    messages.success(
        request,
        _("Session closed: %(c)s completed the course, %(n)s did not.")
        % {"c": result["completed"], "n": result["not_completed"]},
    )
    return redirect("skills:session_detail", pk=session.pk)


@login_required
@require_POST
def enrolment_cancel(request, pk, enrolment_id):
    session = _session(request, pk)
    enrolment = _get(session.enrolments.all(), pk=enrolment_id)
    try:
        services.cancel_enrolment(request.user, enrolment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("skills:session_detail", pk=session.pk)


# --- public check-in -----------------------------------------------------------------------------

CHECKIN_FAILURES_ALLOWED = 10
CHECKIN_FAILURE_WINDOW = 15 * 60  # seconds
# The alphabet of ``new_checkin_token``. Anything else is no token and is answered 404 before
# the query: PostgreSQL refuses a NUL character in a parameter with an error (a 500).
CHECKIN_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,32}")


@never_cache
@require_http_methods(["GET", "POST"])
def checkin(request, token):
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
    form = (
        CheckInForm(request.POST or None)
        if request.POST.get("mode") != "account"
        else CheckInForm()
    )
    done = None
    # Identity numbers and birth dates must not be guessable by trial: failures per address are capped.
    fail_key = f"skills:checkin-failures:{request.META.get('REMOTE_ADDR', '')}"
    if request.method == "POST":
        try:
            if request.POST.get("mode") == "account" and member is not None:
                done = services.check_in(session, member, method=CheckInMethod.QR_ACCOUNT)
            elif cache.get(fail_key, 0) >= CHECKIN_FAILURES_ALLOWED:
                form.is_valid()
                form.add_error(
                    None, _("Too many failed attempts. Ask the trainer to mark your attendance.")
                )
            elif form.is_valid():
                done = services.check_in_with_identity(
                    session, form.cleaned_data["cccd"], form.cleaned_data["date_of_birth"]
                )
        except ValidationError as exc:
            _errors_into(form, exc)
            cache.set(fail_key, cache.get(fail_key, 0) + 1, CHECKIN_FAILURE_WINDOW)
    return render(
        request,
        "skills/checkin.html",
        {"session": session, "member": member, "form": form, "done": done},
    )


# --- questions and assessments ---------------------------------------------------------------------


@login_required
@require_GET
def questions(request):
    qs = (
        Question.objects.visible_to(request.user)
        .select_related("competence", "unit")
        .prefetch_related("choices")
    )
    code = request.GET.get("competence", "")
    if code:
        qs = qs.filter(competence__code=code)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "skills/questions.html",
        {"page": page, "units": _managed_units(request.user), "competence": code},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_new(request, code):
    unit = _unit(request.user, code)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = _save_with(
            request,
            form,
            lambda: services.save_question(
                request.user,
                unit,
                competence=data["competence"],
                step=data["step"],
                kind=data["kind"],
                text=data["text"],
                explanation=data["explanation"],
                choices=form.choices(),
            ),
            _("Question added."),
            "skills:questions",
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        _("New question for the bank of %(unit)s") % {"unit": unit.name},
        reverse("skills:questions"),
    )


@login_required
@require_GET
def assessments(request):
    qs = Assessment.objects.visible_to(request.user).select_related("competence", "unit")
    return render(
        request, "skills/assessments.html", {"items": qs, "units": _managed_units(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request, code):
    unit = _unit(request.user, code)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.save_assessment(request.user, unit, **form.cleaned_data),
            _("Assessment saved."),
            "skills:assessments",
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        _("New assessment of %(unit)s") % {"unit": unit.name},
        reverse("skills:assessments"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request, pk):
    assessment = _get(Assessment.objects.visible_to(request.user), pk=pk)
    if not has_role_on(request.user, assessment.unit):
        raise Http404
    form = AssessmentForm(request.POST or None, instance=Assessment.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.save_assessment(
                request.user, assessment.unit, assessment=assessment, **form.cleaned_data
            ),
            _("Assessment saved."),
            "skills:assessments",
        )
        if response:
            return response
    return _form_page(request, form, assessment.title, reverse("skills:assessments"))


# --- members' skills, records, certificates -------------------------------------------------------


def _member(request, member_id) -> Member:
    return _get(Member.objects.visible_to(request.user).select_related("unit"), pk=member_id)


@login_required
@require_GET
def member_skills(request, member_id):
    member = _member(request, member_id)
    data = queries.profile(member)
    return render(
        request,
        "skills/profile.html",
        {
            "member": member,
            **data,
            "officer_view": True,
            "can_attest": has_role_on(request.user, member.unit, TRAINING_MANAGERS),
            "enrolments": member.skill_enrolments.select_related("session__course").order_by(
                "-session__starts_on"
            )[:30],
            "certificates": Certificate.objects.filter(member=member),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_attest(request, member_id):
    member = _member(request, member_id)
    form = AttestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.attest_skill(request.user, member, **form.cleaned_data),
            _("Skill recorded."),
            reverse("skills:member_skills", args=[member.pk]),
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        _("Attest a skill of %(name)s") % {"name": member.full_name},
        reverse("skills:member_skills", args=[member.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_revoke(request, pk):
    record = _get(
        SkillRecord.objects.visible_to(request.user).select_related("member__unit", "competence"),
        pk=pk,
    )
    form = ReasonForm(request.POST or None)
    back = reverse("skills:member_skills", args=[record.member_id])
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.revoke_record(request.user, record, form.cleaned_data["reason"]),
            _("Record withdrawn."),
            back,
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        _("Withdraw the record %(code)s → step %(step)s")
        % {"code": record.competence.code, "step": record.step},
        back,
    )


@login_required
@require_GET
def certificate_list(request):
    qs = Certificate.objects.visible_to(request.user).select_related("member", "unit")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(number__iexact=q) | Q(holder_name__icontains=q))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "skills/certificates.html", {"page": page, "q": q})


def _certificate(request, number) -> Certificate:
    return _get(
        Certificate.objects.visible_to(request.user).select_related("course", "unit", "member"),
        number=number.upper(),
    )


@login_required
@require_GET
def certificate_pdf(request, number):
    certificate = _certificate(request, number)
    response = HttpResponse(
        certificates.certificate_pdf(certificate, request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def certificate_revoke(request, number):
    certificate = _certificate(request, number)
    if not has_role_on(request.user, certificate.unit):
        raise Http404
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.revoke_certificate(
                request.user, certificate, form.cleaned_data["reason"]
            ),
            _("Certificate revoked."),
            "skills:certificates",
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        _("Revoke certificate %(number)s") % {"number": certificate.number},
        reverse("skills:certificates"),
    )


@require_GET
def verify_certificate(request, number):
    """Public: what a QR code on a certificate opens. Shows only the masked name."""
    certificate = Certificate.objects.filter(number=number.upper()).first()
    response = render(
        request,
        "skills/verify.html",
        {"c": certificate, "number": number},
        status=200 if certificate else 404,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


# --- campaigns, plans, reports --------------------------------------------------------------------


@login_required
@require_GET
def campaigns(request):
    qs = Campaign.objects.visible_to(request.user).select_related("unit", "definition")
    return render(
        request, "skills/campaigns.html", {"items": qs, "units": _managed_units(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request, code):
    unit = _unit(request.user, code)
    form = CampaignForm(request.POST or None, user=request.user, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        units = data.pop("units")
        response = _save_with(
            request,
            form,
            lambda: services.save_campaign(request.user, unit, units=units, **data),
            _("Campaign saved."),
            lambda c: reverse("skills:campaign_detail", args=[c.pk]),
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        _("New campaign of %(unit)s") % {"unit": unit.name},
        reverse("skills:campaigns"),
    )


@login_required
@require_GET
def campaign_detail(request, pk):
    campaign = _get(
        Campaign.objects.visible_to(request.user).select_related("unit", "definition"), pk=pk
    )
    sessions = (
        TrainingSession.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("course", "unit")
        .annotate(
            n_done=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.COMPLETED))
        )
    )
    units = Unit.objects.visible_to(request.user)
    top = (
        units.filter(path=campaign.unit.path).first()
        or units.filter(path__startswith=campaign.unit.path).order_by("depth").first()
    )
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
def plans(request):
    qs = (
        TrainingPlan.objects.visible_to(request.user)
        .select_related("unit")
        .annotate(
            computed=Count(
                "sessions__enrolments",
                filter=Q(sessions__enrolments__status=EnrolmentStatus.COMPLETED),
            )
        )
    )
    return render(
        request, "skills/plans.html", {"items": qs, "units": _managed_units(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request, code):
    unit = _unit(request.user, code)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.save_plan(request.user, unit, **form.cleaned_data),
            _("Training plan saved."),
            "skills:plans",
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        _("New training plan of %(unit)s") % {"unit": unit.name},
        reverse("skills:plans"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = _get(TrainingPlan.objects.visible_to(request.user), pk=pk)
    form = PlanForm(request.POST or None, instance=TrainingPlan.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        response = _save_with(
            request,
            form,
            lambda: services.save_plan(request.user, plan.unit, plan=plan, **form.cleaned_data),
            _("Training plan saved."),
            "skills:plans",
        )
        if response:
            return response
    return _form_page(request, form, plan.title, reverse("skills:plans"))


def _definition_param(request, unit):
    pk = request.GET.get("definition")
    if pk and pk.isdigit():
        return (
            DigitalSkillsDefinition.objects.visible_to(request.user)
            .prefetch_related("competences")
            .filter(pk=pk)
            .first()
        )
    return queries.default_definition(unit)


@login_required
@require_GET
def report(request, code):
    unit = _unit(request.user, code)
    as_of = _day_param(request.GET.get("as_of")) or timezone.localdate()
    definition = _definition_param(request, unit)
    data = queries.unit_report(unit, definition, as_of)
    return render(
        request,
        "skills/report.html",
        {
            "unit": unit,
            **data,
            "definitions": queries.definitions_for_unit(unit, as_of),
        },
    )


@login_required
@require_GET
def leave_behind(request, code):
    unit = _unit(request.user, code)
    definition = _definition_param(request, unit)
    as_of = _day_param(request.GET.get("as_of")) or timezone.localdate()
    sub = request.GET.get("unit", "").strip()
    scope_unit = _unit(request.user, sub) if sub else unit
    if not scope_unit.path.startswith(unit.path):
        raise Http404
    rows = (
        queries.leave_behind(
            scope_unit,
            definition,
            as_of,
            queryset=Member.objects.visible_to(request.user),
            q=request.GET.get("q", ""),
            never_trained=request.GET.get("never") == "1",
        )
        if definition
        else Member.objects.none()
    )
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _export(rows, fmt, unit, as_of)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "skills/leave_behind.html",
        {
            "unit": unit,
            "definition": definition,
            "page": page,
            "as_of": as_of,
            "definitions": queries.definitions_for_unit(unit, as_of),
            "query": request.GET.urlencode(),
            "params": request.GET,
        },
    )


def _export(rows, fmt: str, unit: Unit, as_of: datetime.date) -> StreamingHttpResponse:
    name = f"chua-dat-ky-nang-so-{unit.code}-{as_of:%Y%m%d}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.leave_behind_csv(rows), content_type=CSV_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    return FileResponse(
        exports.leave_behind_xlsx(rows), as_attachment=True, filename=f"{name}.xlsx"
    )


# --- the member's own pages ---------------------------------------------------------------------


def _me(request) -> Member:
    member = queries.member_for_user(request.user)
    if member is None:
        raise Http404(_("Your account is not linked to a member record."))
    return member


@login_required
@require_GET
def my_skills(request):
    member = queries.member_for_user(request.user)
    if member is None:
        return render(request, "skills/my_none.html")
    today = timezone.localdate()
    open_sessions = (
        TrainingSession.objects.filter(
            unit__path__in=[
                member.unit.path[:i]
                for i in range(Unit.steplen, len(member.unit.path) + 1, Unit.steplen)
            ],
            status__in=[SessionStatus.PLANNED, SessionStatus.OPEN],
            ends_on__gte=today,
        )
        .exclude(enrolments__member=member)
        .select_related("course", "unit")[:20]
    )
    assessments_open = Assessment.objects.filter(
        active=True,
        unit__path__in=[
            member.unit.path[:i]
            for i in range(Unit.steplen, len(member.unit.path) + 1, Unit.steplen)
        ],
    ).select_related("competence")
    return render(
        request,
        "skills/profile.html",
        {
            "member": member,
            **queries.profile(member),
            "officer_view": False,
            "open_sessions": open_sessions,
            "assessments_open": assessments_open,
            "enrolments": member.skill_enrolments.select_related("session__course").order_by(
                "-session__starts_on"
            )[:30],
            "certificates": Certificate.objects.filter(member=member, revoked_at__isnull=True),
        },
    )


@login_required
@require_POST
def my_enrol(request, pk):
    member = _me(request)
    session = _get(TrainingSession.objects.select_related("unit"), pk=pk)
    if not services.can_self_enrol(member, session):
        raise Http404
    try:
        services.self_enrol(member, session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("You are enrolled in %(course)s.") % {"course": session.course.title}
        )
    return redirect("skills:my_skills")


def _my_assessment(member, pk) -> Assessment:
    paths = [
        member.unit.path[:i] for i in range(Unit.steplen, len(member.unit.path) + 1, Unit.steplen)
    ]
    return _get(
        Assessment.objects.filter(active=True, unit__path__in=paths).select_related("competence"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_assessment(request, pk):
    member = _me(request)
    assessment = _my_assessment(member, pk)
    if request.method == "POST":
        try:
            attempt = services.start_attempt(member, assessment)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("skills:my_attempt", pk=attempt.pk)
    attempts = Attempt.objects.filter(member=member, assessment=assessment)
    return render(
        request,
        "skills/assessment_start.html",
        {
            "assessment": assessment,
            "attempts": attempts,
            "left": services.attempts_left(member, assessment),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_attempt(request, pk):
    member = _me(request)
    attempt = _get(
        Attempt.objects.filter(member=member).select_related("assessment__competence"), pk=pk
    )
    if request.method == "POST" and attempt.is_open:
        answers = {str(q): request.POST.getlist(f"q{q}") for q in attempt.question_ids}
        try:
            attempt = services.submit_attempt(attempt, answers)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
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
