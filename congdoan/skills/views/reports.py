"""A unit's skills report (its subtree and each sub-unit against a definition, per
competence, campaigns) and the "leave no one behind" list, on screen and as .csv / .xlsx."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from congdoan.members.models import Member
from congdoan.org.models import Unit
from congdoan.org.paths import is_within
from congdoan.org.queries import visible_unit

from .. import exports, queries
from ..models import DigitalSkillsDefinition
from .pages import day_param


def _definition_param(request: HttpRequest, unit: Unit) -> DigitalSkillsDefinition | None:
    """The definition chosen in ``?definition=`` (None when it is not one the user can see),
    else the one the unit's reports use."""
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
def report(request: HttpRequest, code: str) -> HttpResponse:
    unit = visible_unit(request.user, code)
    as_of = day_param(request.GET.get("as_of")) or timezone.localdate()
    definition = _definition_param(request, unit)
    return render(
        request,
        "skills/report.html",
        {
            "unit": unit,
            **queries.unit_report(unit, definition, as_of),
            "definitions": queries.definitions_for_unit(unit, as_of),
        },
    )


@login_required
@require_GET
def leave_behind(request: HttpRequest, code: str) -> HttpResponse:
    unit = visible_unit(request.user, code)
    definition = _definition_param(request, unit)
    as_of = day_param(request.GET.get("as_of")) or timezone.localdate()
    sub = request.GET.get("unit", "").strip()
    scope_unit = visible_unit(request.user, sub) if sub else unit
    if not is_within(scope_unit.path, unit.path):
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
        return exports.leave_behind_response(rows, fmt, unit, as_of)
    return render(
        request,
        "skills/leave_behind.html",
        {
            "unit": unit,
            "definition": definition,
            "page": Paginator(rows, 100).get_page(request.GET.get("page")),
            "as_of": as_of,
            "definitions": queries.definitions_for_unit(unit, as_of),
            "query": request.GET.urlencode(),
            "params": request.GET,
        },
    )
