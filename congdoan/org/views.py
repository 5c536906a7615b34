"""Pages of the organisation tree. Thin: read through ``queries``, write through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congdoan.common.errors import NotAllowed, not_found
from congdoan.common.forms import add_service_errors

from . import divisions, queries, services
from .choices import KIND_RULES, ROLE_MANAGERS, TREE_MANAGERS, UNIT_EDITORS, can_contain
from .forms import DissolveForm, GrantRoleForm, RolePolicyForm, TargetUnitForm, UnitForm
from .models import Unit
from .queries import visible_unit
from .scoping import has_role_on


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "org/home.html",
        {
            "assignments": queries.own_assignments(request.user),
            "tops": queries.top_units(request.user),
            "waiting": queries.waiting_for(request.user),
        },
    )


@login_required
@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    tops = list(queries.top_units(request.user))
    for unit in tops:
        unit.descendant_count = queries.subtree_count(unit)
    return render(request, "org/tree.html", {"tops": tops})


@login_required
@require_GET
def children(request: HttpRequest, code: str) -> HttpResponse:
    unit = visible_unit(request.user, code)
    kids = queries.children_with_counts(unit, include_inactive=request.GET.get("all") == "1")
    return render(request, "org/_children.html", {"unit": unit, "children": kids})


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    results = list(queries.search_units(request.user, q)) if q else []
    template = "org/_search_results.html" if request.htmx else "org/search.html"
    return render(request, template, {"q": q, "results": results})


@login_required
@require_GET
def communes(request: HttpRequest) -> HttpResponse:
    """The ``<option>``s of the communes of a province, for a form whose commune list follows
    its province select (htmx sends that select's value under its own name, ``*_province``)."""
    value = request.GET.get("province_code") or next(
        (v for k, v in request.GET.items() if k.endswith("province")), ""
    )
    try:
        province = int(value or 0)
    except ValueError:
        province = 0
    options = divisions.communes_of(province) if province else []
    html = format_html('<option value="">—</option>') + format_html_join(
        "", '<option value="{}">{}</option>', options
    )
    return HttpResponse(html)


@login_required
@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = visible_unit(request.user, code)
    user = request.user
    context = {
        "unit": unit,
        "crumbs": queries.breadcrumbs(user, unit),
        "children": queries.children_with_counts(unit, include_inactive=True),
        "subtree_count": queries.subtree_count(unit),
        "kinds": queries.kind_breakdown(unit),
        "extra_counts": queries.extra_counts(unit),
        "history": queries.unit_history(unit),
        "can_manage_tree": has_role_on(user, unit, TREE_MANAGERS),
        "can_edit": has_role_on(user, unit, UNIT_EDITORS),
        "can_manage_roles": has_role_on(user, unit, ROLE_MANAGERS),
        "merged_into_visible": unit.merged_into_id
        and Unit.objects.visible_to(user).filter(pk=unit.merged_into_id).first(),
    }
    return render(request, "org/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, code: str) -> HttpResponse:
    parent = visible_unit(request.user, code)
    allowed = [k for k in KIND_RULES if can_contain(parent.kind, k)]
    form = UnitForm(
        request.POST or None, allowed_kinds=allowed, initial={"province_code": parent.province_code}
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_unit(
                request.user,
                parent=parent,
                code=form.cleaned_data["code"],
                kind=form.cleaned_data["kind"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit %(name)s created.") % {"name": unit.name})
            return redirect("org:detail", code=unit.code)
    return render(
        request,
        "org/form.html",
        {
            "form": form,
            "parent": parent,
            "title": _("New unit under %(name)s") % {"name": parent.name},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = visible_unit(request.user, code)
    form = UnitForm(
        request.POST or None, instance=Unit.objects.get(pk=unit.pk), allowed_kinds=[unit.kind]
    )
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.service_fields().items() if getattr(unit, k) != v}
        try:
            if changes:
                services.update_unit(request.user, unit, **changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("org:detail", code=unit.code)
    return render(
        request,
        "org/form.html",
        {"form": form, "unit": unit, "title": _("Edit %(name)s") % {"name": unit.name}},
    )


def _target_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    unit = visible_unit(request.user, code)
    if not has_role_on(request.user, unit, TREE_MANAGERS):
        raise NotAllowed(_("Your role does not allow this action on this unit."))
    form = TargetUnitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            if action == "move":
                services.move_unit(request.user, unit, target)
                messages.success(
                    request,
                    _("%(unit)s moved under %(target)s.")
                    % {"unit": unit.name, "target": target.name},
                )
                return redirect("org:detail", code=unit.code)
            services.merge_units(request.user, unit, target, reason=form.cleaned_data["reason"])
            messages.success(
                request,
                _("%(unit)s merged into %(target)s.") % {"unit": unit.name, "target": target.name},
            )
            return redirect("org:detail", code=target.code)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "org/move_or_merge.html", {"unit": unit, "form": form, "action": action})


@login_required
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, code: str) -> HttpResponse:
    return _target_action(request, code, "move")


@login_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, code: str) -> HttpResponse:
    return _target_action(request, code, "merge")


@login_required
@require_http_methods(["GET", "POST"])
def dissolve(request: HttpRequest, code: str) -> HttpResponse:
    unit = visible_unit(request.user, code)
    if not has_role_on(request.user, unit, TREE_MANAGERS):
        raise NotAllowed(_("Your role does not allow this action on this unit."))
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dissolve_unit(request.user, unit, form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(unit)s dissolved.") % {"unit": unit.name})
            return redirect("org:detail", code=unit.code)
    return render(request, "org/dissolve.html", {"unit": unit, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def roles(request: HttpRequest, code: str) -> HttpResponse:
    unit = visible_unit(request.user, code)
    can_manage = has_role_on(request.user, unit, ROLE_MANAGERS)
    form = GrantRoleForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise NotAllowed(_("Your role does not allow this action on this unit."))
        if form.is_valid():
            try:
                services.grant_role(
                    request.user, form.cleaned_data["username"], unit, form.cleaned_data["role"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except NotAllowed as exc:
                form.add_error("role", str(exc))
            else:
                messages.success(request, _("Role granted."))
                return redirect("org:roles", code=unit.code)
    assignments = queries.assignments_in_subtree(unit)
    history = queries.role_history(unit)
    return render(
        request,
        "org/roles.html",
        {
            "unit": unit,
            "form": form,
            "assignments": assignments,
            "can_manage": can_manage,
            "role_history": history,
        },
    )


@login_required
@require_POST
def revoke_role(request: HttpRequest, code: str, assignment_id: int) -> HttpResponse:
    unit = visible_unit(request.user, code)
    assignment = queries.assignment_in_subtree_or_404(unit, assignment_id)
    try:
        services.revoke_role(request.user, assignment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Role revoked."))
    return redirect("org:roles", code=unit.code)


@login_required
@require_http_methods(["GET", "POST"])
def policies(request: HttpRequest) -> HttpResponse:
    if not queries.can_set_policies(request.user):
        raise not_found()
    current = queries.roles_requiring_mfa()
    form = RolePolicyForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        for role, required in form.cleaned_data.items():
            if required != (role in current):
                services.set_role_policy(request.user, role, require_mfa=required)
        messages.success(request, _("Security policy saved."))
        return redirect("org:policies")
    return render(request, "org/policies.html", {"form": form})
