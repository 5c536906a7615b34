"""The course catalogue: list, a course's page with its sessions and materials, new / edit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from congdoan.org.choices import TRAINING_MANAGERS
from congdoan.org.decorators import officers_only
from congdoan.org.queries import visible_unit
from congdoan.org.scoping import has_role_on

from .. import queries, services
from ..forms import CourseForm, MaterialForm
from ..models import Course, TrainingSession
from .pages import form_page, list_page


def _course_url(course: Course) -> str:
    return reverse("skills:course_detail", args=[course.pk])


@login_required
@require_GET
@officers_only
def courses(request: HttpRequest) -> HttpResponse:
    items = (
        Course.objects.visible_to(request.user)
        .select_related("unit")
        .prefetch_related("competences")
        .annotate(n_sessions=Count("sessions"))
    )
    q = request.GET.get("q", "").strip()
    if q:
        items = items.filter(Q(title__icontains=q) | Q(code__icontains=q))
    return list_page(request, "skills/courses.html", items=items, q=q)


@login_required
@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest, code: str) -> HttpResponse:
    unit = visible_unit(request.user, code)
    form = CourseForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        lambda: services.save_course(
            request.user,
            unit,
            competences=form.cleaned_data["competences"],
            **form.service_fields(),
        ),
        title=_("New course of %(unit)s") % {"unit": unit.name},
        back=reverse("skills:courses"),
        success=_("Course saved."),
        then=_course_url,
    )


@login_required
@require_GET
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = queries.visible_course(request.user, pk)
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
            "units": queries.training_units(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = queries.visible_course(request.user, pk, to_change=True)
    form = CourseForm(request.POST or None, instance=Course.objects.get(pk=pk), user=request.user)
    return form_page(
        request,
        form,
        lambda: services.save_course(
            request.user,
            course.unit,
            course=course,
            competences=form.cleaned_data["competences"],
            **form.service_fields(),
        ),
        title=course.title,
        back=_course_url(course),
        success=_("Course saved."),
        then=_course_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    course = queries.visible_course(request.user, pk, to_change=True)
    form = MaterialForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form,
        lambda: services.add_material(request.user, course, **form.cleaned_data),
        title=_("Add material to %(course)s") % {"course": course.title},
        back=_course_url(course),
        success=_("Material added."),
        multipart=True,
    )
