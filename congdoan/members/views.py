"""Member pages: list, export and roster, detail, admit, edit, transfer, status actions,
duplicates, transfer requests and imports. Thin: objects come from ``queries`` (the visible
one or 404), writes go through ``services`` and ``importing``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from congdoan.common.errors import NotAllowed, OutOfScope
from congdoan.common.forms import add_service_errors
from congdoan.common.views import form_page
from congdoan.org.choices import MEMBER_MANAGERS
from congdoan.org.decorators import officers_only
from congdoan.org.queries import visible_unit
from congdoan.org.scoping import has_role_on
from congdoan.org.services import require_role

from . import exports, importing, queries, services
from .choices import ImportStatus, MemberStatus, TransferStatus
from .filters import MemberFilter
from .forms import (
    AdmitForm,
    ImportForm,
    MappingForm,
    MemberForm,
    StatusForm,
    TransferForm,
)
from .models import ImportJob, Member
from .tables import MemberRows, MemberTable

FORM_TEMPLATE = "members/form.html"


def _form_page(request, form, title: str, **context):
    """The form page of members whose outcome ``common.views.form_page`` does not fit (admit,
    edit and transfer each say something of their own after saving)."""
    return render(request, FORM_TEMPLATE, {"form": form, "title": title, **context})


def _filtered(request):
    base = Member.objects.visible_to(request.user).select_related("unit")
    # Always bound: a page without parameters still hides former members (the status filter's blank).
    return MemberFilter(request.GET, queryset=base, user=request.user)


@login_required
@require_GET
@officers_only
def member_list(request):
    members = _filtered(request)
    qs = members.qs
    search = members.form.cleaned_data.get("q") if members.form.is_valid() else None
    table = MemberTable(MemberRows(qs, search, getattr(members, "unsearched", None)))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": members,
        "table": table,
        "query": query.urlencode(),
        "can_admit": queries.manages_members_somewhere(request.user),
    }
    if request.htmx and request.htmx.target == "member-table":
        return render(request, "members/_table.html", context)
    return render(request, "members/list.html", context)


@login_required
@require_GET
@officers_only
def export(request, fmt: str):
    qs = _filtered(request).qs
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_chunks(qs), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="doan-vien-{stamp}.csv"'
        return response
    return FileResponse(
        exports.xlsx_file(qs), as_attachment=True, filename=f"doan-vien-{stamp}.xlsx"
    )


@login_required
@require_GET
def roster(request, code: str):
    unit = visible_unit(request.user, code)
    if not unit.is_grassroots:
        raise Http404(_("Rosters are made per grassroots union."))
    members = (
        Member.objects.visible_to(request.user).in_subtree(unit).filter(status=MemberStatus.ACTIVE)
    )
    return FileResponse(
        exports.roster_file(unit, members),
        as_attachment=True,
        filename=f"danh-sach-doan-vien-{unit.code}.xlsx",
    )


@login_required
@require_GET
def detail(request, pk: int):
    member = queries.visible_member(request.user, pk)
    manage = queries.can_manage(request.user, member)
    histories, merged = queries.history_with_merged(member)
    context = {
        "member": member,
        "can_manage": manage,
        "show_salary": queries.can_see_salary(request.user, member),
        "history": histories,
        "merged_from": merged,
        "missing": [Member._meta.get_field(f).verbose_name for f in member.missing_fields()],
        "actions": [(a.name, a.title) for a in services.status_actions(member)] if manage else [],
        "transfers": member.transfer_requests.select_related("from_unit", "to_unit")[:10],
        "merged_into_visible": member.merged_into_id
        and Member.objects.visible_to(request.user).filter(pk=member.merged_into_id).first(),
    }
    return render(request, "members/detail.html", context)


@login_required
@require_POST
@never_cache  # the full number: no copy in a browser's or a proxy's cache
def reveal_cccd(request, pk: int):
    member = queries.visible_member(request.user, pk)
    number = services.reveal_cccd(request.user, member)
    return render(request, "members/_cccd.html", {"member": member, "number": number})


@login_required
@require_http_methods(["GET", "POST"])
def admit(request):
    units = queries.units_accepting_members(request.user)
    code = (request.POST.get("unit_code") or request.GET.get("unit") or "").strip().upper()
    unit = units.filter(code=code).first() if code else None  # a wrong code: the form says so
    form = AdmitForm(
        request.POST or None,
        unit=unit,
        units=units,
        initial={"unit_code": code},
        show_salary=bool(unit and queries.can_see_salary(request.user, unit)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            member = services.admit_member(
                request.user,
                unit,
                card_number=form.cleaned_data["card_number"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s admitted, card number %(card)s.")
                % {"name": member.full_name, "card": member.card_number},
            )
            return redirect("members:detail", pk=member.pk)
    return _form_page(request, form, _("Admit a member"))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    member = queries.visible_member(request.user, pk)
    if not queries.can_manage(request.user, member):
        raise NotAllowed(_("Your role does not allow this action on this unit."))
    show_salary = queries.can_see_salary(request.user, member)
    form = MemberForm(
        request.POST or None,
        instance=Member.objects.get(pk=member.pk),
        unit=member.unit,
        show_salary=show_salary,
        initial={"version": member.version},
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(
                request.user,
                member,
                version=form.cleaned_data.get("version"),
                **form.service_fields(),
            )
        except services.EditConflict as exc:
            conflict = exc
            # Keep what this officer typed, and let them save over the new version after review.
            data = request.POST.copy()
            data["version"] = exc.member.version
            form = MemberForm(
                data,
                instance=Member.objects.get(pk=member.pk),
                unit=member.unit,
                show_salary=show_salary,
            )
            form.is_valid()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("members:detail", pk=member.pk)
    title = _("Edit %(name)s") % {"name": member.full_name}
    return _form_page(request, form, title, member=member, conflict=conflict)


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request, pk: int):
    member = queries.visible_member(request.user, pk)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = queries.transfer_target(form.cleaned_data["to_unit"])
        if target is None:
            form.add_error("to_unit", _("No unit with this code."))
        else:
            try:
                result = services.transfer_member(
                    request.user, member, target, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if isinstance(result, Member):
                    messages.success(request, _("Transferred to %(unit)s.") % {"unit": target.name})
                else:
                    messages.info(
                        request,
                        _(
                            "%(unit)s is outside your scope: a transfer request was sent to its "
                            "officers."
                        )
                        % {"unit": target.name},
                    )
                return redirect("members:detail", pk=member.pk)
    title = _("Transfer %(name)s") % {"name": member.full_name}
    return _form_page(request, form, title, member=member)


@login_required
@require_http_methods(["GET", "POST"])
def change_status(request, pk: int, action: str):
    member = queries.visible_member(request.user, pk)
    rule = services.STATUS_ACTIONS.get(action)
    if rule is None:
        raise Http404
    form = StatusForm(request.POST or None)
    if rule.needs_reason:
        form.fields["reason"].required = True
    return form_page(
        request,
        form,
        lambda: services.change_status(
            request.user, member, rule.name, form.cleaned_data["reason"], form.cleaned_data["on"]
        ),
        template=FORM_TEMPLATE,
        context={"member": member, "title": f"{rule.title}: {member.full_name}"},
        success=_("Saved."),
        then=lambda changed: reverse("members:detail", args=[changed.pk]),
    )


@login_required
@require_GET
def duplicates(request):
    pairs = queries.likely_duplicates(Member.objects.visible_to(request.user, MEMBER_MANAGERS))
    return render(request, "members/duplicates.html", {"pairs": pairs})


@login_required
@require_POST
def merge(request):
    keep = queries.visible_member(request.user, request.POST.get("keep"))
    duplicate = queries.visible_member(request.user, request.POST.get("duplicate"))
    try:
        services.merge_duplicates(request.user, keep, duplicate)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("members:duplicates")
    messages.success(request, _("Records merged into %(card)s.") % {"card": keep.card_number})
    return redirect("members:detail", pk=keep.pk)


@login_required
@require_GET
def transfers(request):
    requests_ = queries.visible_transfer_requests(request.user).order_by("-requested_at")[:200]
    decidable = {
        r.pk
        for r in requests_
        if r.status == TransferStatus.PENDING
        and has_role_on(request.user, r.to_unit, MEMBER_MANAGERS)
    }
    return render(
        request, "members/transfers.html", {"requests": requests_, "decidable": decidable}
    )


@login_required
@require_POST
def decide_transfer(request, pk: int):
    transfer_request = queries.visible_transfer(request.user, pk)
    try:
        services.decide_transfer(
            request.user,
            transfer_request,
            accept=request.POST.get("accept") == "1",
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("members:transfers")


# --- imports -------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def imports(request):
    importing.recover_stale_jobs()  # a job whose worker died is listed as interrupted, not running
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"unit_code": request.GET.get("unit", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            # A code typed in the form: a message on the field, the same whether the unit does
            # not exist or is outside the user's scope (nothing is revealed, nothing is lost).
            unit = visible_unit(request.user, form.cleaned_data["unit_code"])
        except OutOfScope:
            form.add_error("unit_code", _("No such unit in your scope."))
        else:
            try:
                job = importing.start_job(
                    request.user, unit, form.cleaned_data["file"], dry_run=True
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("members:import_detail", pk=job.pk)
    recent = ImportJob.objects.visible_to(request.user).select_related("unit", "created_by")[:30]
    return render(request, "members/imports.html", {"form": form, "jobs": recent})


@login_required
@require_GET
def import_detail(request, pk: int):
    importing.recover_stale_jobs()
    job = queries.visible_import_job(request.user, pk)
    if request.htmx and not job.finished:
        return render(request, "members/_import_progress.html", {"job": job})
    if request.htmx:  # finished while polling: reload the whole page
        response = render(request, "members/_import_progress.html", {"job": job})
        response["HX-Refresh"] = "true"
        return response
    headers = importing.headers_of(job) if job.finished else []
    mapping_form = MappingForm(headers=headers, mapping=job.mapping or {}) if headers else None
    return render(
        request,
        "members/import_detail.html",
        {
            "job": job,
            "mapping_form": mapping_form,
            "errors": job.errors[:500],
            "more_errors": max(0, len(job.errors) - 500),
        },
    )


@login_required
@require_POST
def import_rerun(request, pk: int):
    """Check again with a corrected mapping, commit (``commit=1``), or run an interrupted job
    again as it was (``resume=1``), which completes it."""
    job = queries.visible_import_job(request.user, pk)
    require_role(request.user, job.unit, MEMBER_MANAGERS)
    if request.POST.get("resume") == "1" and job.status == ImportStatus.INTERRUPTED:
        importing.rerun_job(job, actor=request.user, dry_run=job.dry_run)
    elif request.POST.get("commit") == "1":
        importing.rerun_job(job, actor=request.user, dry_run=False)
    else:
        form = MappingForm(
            request.POST, headers=importing.headers_of(job), mapping=job.mapping or {}
        )
        if form.is_valid():
            importing.rerun_job(job, actor=request.user, dry_run=True, mapping=form.mapping())
    return redirect("members:import_detail", pk=job.pk)


@login_required
@require_GET
@never_cache  # full identity numbers: no copy in a browser's or a proxy's cache
def import_rejected(request, pk: int):
    job = queries.visible_import_job(request.user, pk)
    # The rows as uploaded, full identity numbers included: for officers who may reveal a
    # number, and logged like a reveal (``importing.rejected``).
    handle = importing.rejected_rows_file(request.user, job)
    return FileResponse(
        handle, as_attachment=True, filename=f"loi-{job.original_name.rsplit('.', 1)[0]}.xlsx"
    )
