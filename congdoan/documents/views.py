"""Pages of the paperless office. Thin: read through ``queries``, write through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congdoan.common.errors import NotAllowed
from congdoan.common.forms import add_service_errors
from congdoan.org.decorators import officers_only
from congdoan.org.scoping import has_role_on

from . import queries, services
from .choices import CERTIFICATE_MANAGERS, CLERKS, DRAFTERS, HEADS, DocumentStatus, IncomingStatus
from .forms import (
    AssignForm,
    CertificateImportForm,
    CertificateIssueForm,
    DocumentFilterForm,
    DocumentForm,
    HandleForm,
    IncomingFilterForm,
    IssueForm,
    PaperForm,
    ReviewForm,
    ReviseForm,
    RevokeForm,
    SignForm,
    SubmitForm,
    VerifyForm,
)
from .models import Document
from .verification import verify_by_code, verify_pdf


def _error_message(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _page(request, qs, per_page: int = 30):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


@login_required
@require_GET
@officers_only
def document_list(request):
    form = DocumentFilterForm(request.GET or None, statuses=DocumentStatus.choices)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = queries.filter_documents(
        request.user,
        q=filters.get("q") or "",
        doc_type=getattr(filters.get("type"), "code", ""),
        status=filters.get("status") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        to_sign=bool(filters.get("to_sign")),
    )
    context = {
        "form": form,
        "page": _page(request, qs),
        "counts": queries.workflow_counts(request.user),
        "can_draft": queries.drafting_units(request.user, DRAFTERS).exists(),
    }
    template = "documents/_document_rows.html" if request.htmx else "documents/list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
@officers_only
def document_create(request):
    form = DocumentForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.create_document(request.user, form.draft_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("documents:detail", pk=document.pk)
    return render(request, "documents/form.html", {"form": form, "title": _("New document")})


def _detail_context(request, document: Document) -> dict:
    user = request.user
    pending = queries.pending_reviews(document)
    signs = document.signing_unit or document.unit  # the unit that signs and issues
    return {
        "document": document,
        "reviews": document.reviews.select_related("reviewer"),
        "events": document.events.select_related("actor"),
        "signatures": document.signatures.select_related("certificate", "signed_by"),
        "recipients": document.recipients.select_related("unit", "user"),
        "attachments": document.attachments.all(),
        "deliveries": document.deliveries.visible_to(user).select_related("unit", "handler"),
        "history": document.history.select_related("history_user").order_by("-history_date")[:15],
        "can_edit": has_role_on(user, document.unit, DRAFTERS)
        and document.status in (DocumentStatus.DRAFT, DocumentStatus.RETURNED),
        "can_review": document.status == DocumentStatus.IN_REVIEW
        and pending.filter(reviewer=user).exists(),
        "can_approve": has_role_on(user, document.unit, HEADS)
        and document.status in (DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW),
        "can_sign": queries.can_sign(user, document)
        and document.status
        in (DocumentStatus.APPROVED, DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW)
        and (document.status == DocumentStatus.APPROVED or has_role_on(user, signs, HEADS)),
        "can_issue": has_role_on(user, signs, CLERKS) and document.status == DocumentStatus.SIGNED,
        "pending_reviewers": pending.select_related("reviewer"),
        "submit_form": SubmitForm(document=document),
        "review_form": ReviewForm(),
        "sign_form": SignForm(),
        "issue_form": IssueForm(),
        "revise_form": ReviseForm(),
    }


@login_required
@require_GET
def document_detail(request, pk):
    document = queries.visible_document(request.user, pk)
    return render(request, "documents/detail.html", _detail_context(request, document))


@login_required
@require_GET
def document_file(request, pk):
    document = queries.visible_document(request.user, pk)
    return FileResponse(
        document.content.open("rb"), content_type="application/pdf", filename=document.file_name
    )


@login_required
@require_GET
def attachment_file(request, pk, attachment_id):
    document = queries.visible_document(request.user, pk)
    attachment = queries.visible_attachment(document, attachment_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


def _run(request, obj, run, success: str, url_name: str):
    """Run a service on ``obj``; a refusal becomes an error message. Back to ``obj``'s page."""
    try:
        run(obj)
    except ValidationError as exc:
        _error_message(request, exc)
    except NotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect(url_name, pk=obj.pk)


def _action(request, pk, run, success: str):
    document = queries.visible_document(request.user, pk)
    return _run(request, document, run, success, "documents:detail")


@login_required
@require_POST
def document_revise(request, pk):
    form = ReviseForm(request.POST, request.FILES)
    form.is_valid()
    data = form.cleaned_data
    return _action(
        request,
        pk,
        lambda d: services.revise_document(
            request.user, d, file=data.get("file"), summary=data.get("summary") or None
        ),
        _("Changes saved."),
    )


@login_required
@require_POST
def document_submit(request, pk):
    document = queries.visible_document(request.user, pk)
    form = SubmitForm(request.POST, document=document)
    reviewers = form.cleaned_data["reviewers"] if form.is_valid() else []
    return _action(
        request,
        pk,
        lambda d: services.submit_for_review(request.user, d, reviewers),
        _("Sent for review."),
    )


@login_required
@require_POST
def document_review(request, pk):
    form = ReviewForm(request.POST)
    form.is_valid()
    agree = form.cleaned_data.get("decision") == "agree"
    return _action(
        request,
        pk,
        lambda d: services.review_document(
            request.user, d, agree=agree, comment=form.cleaned_data.get("comment") or ""
        ),
        _("Review recorded."),
    )


@login_required
@require_POST
def document_approve(request, pk):
    return _action(
        request, pk, lambda d: services.approve_document(request.user, d), _("Approved.")
    )


@login_required
@require_POST
def document_sign(request, pk):
    form = SignForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return _action(
        request,
        pk,
        lambda d: services.sign_document(
            request.user,
            d,
            password=data.get("password"),
            otp=data.get("otp"),
            page=data.get("page"),
            position=data.get("position") or "bottom-right",
        ),
        _("Signed."),
    )


@login_required
@require_POST
def document_issue(request, pk):
    form = IssueForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return _action(
        request,
        pk,
        lambda d: services.issue_document(
            request.user, d, password=data.get("password"), otp=data.get("otp")
        ),
        _("Issued and delivered."),
    )


# --- incoming -------------------------------------------------------------------------


@login_required
@require_GET
@officers_only
def incoming_list(request):
    form = IncomingFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    qs = queries.filter_incoming(
        request.user,
        q=f.get("q") or "",
        status=f.get("status") or "",
        channel=f.get("channel") or "",
        overdue=bool(f.get("overdue")),
    )
    context = {
        "form": form,
        "page": _page(request, qs),
        "counts": queries.incoming_counts(request.user),
        "can_register": queries.drafting_units(request.user, CLERKS).exists(),
        "today": timezone.localdate(),
    }
    template = "documents/_incoming_rows.html" if request.htmx else "documents/incoming_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
@officers_only
def incoming_paper(request):
    form = PaperForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            entry = services.register_paper_document(
                request.user,
                d["unit"],
                sender=d["sender"],
                doc_type=d["doc_type"],
                summary=d["summary"],
                scan=d["scan"],
                number_symbol=d["number_symbol"] or "",
                document_date=d["document_date"],
                urgency=d["urgency"],
                confidentiality=d["confidentiality"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Paper document registered as no. %(number)s.")
                % {"number": f"{entry.number:02d}"},
            )
            return redirect("documents:incoming_detail", pk=entry.pk)
    return render(
        request, "documents/form.html", {"form": form, "title": _("Register a paper document")}
    )


@login_required
@require_GET
def incoming_detail(request, pk):
    entry = queries.visible_incoming(request.user, pk)
    user = request.user
    context = {
        "entry": entry,
        "events": entry.events.select_related("actor"),
        "document_visible": queries.is_visible_document(user, entry.document_id),
        "can_assign": has_role_on(user, entry.unit, CLERKS)
        and entry.status != IncomingStatus.HANDLED,
        "can_handle": entry.status != IncomingStatus.HANDLED
        and (entry.handler_id == user.pk or has_role_on(user, entry.unit, CLERKS)),
        "assign_form": AssignForm(
            entry=entry,
            initial={"deadline": services.default_deadline(), "handler": entry.handler_id},
        ),
        "handle_form": HandleForm(),
    }
    return render(request, "documents/incoming_detail.html", context)


@login_required
@require_GET
def incoming_scan(request, pk):
    entry = queries.visible_incoming(request.user, pk)
    if not entry.scan:
        raise Http404
    return FileResponse(
        entry.scan.open("rb"),
        content_type="application/pdf",
        filename=f"so-den-{entry.number:02d}.pdf",
    )


def _incoming_action(request, pk, run, success: str):
    entry = queries.visible_incoming(request.user, pk)
    return _run(request, entry, run, success, "documents:incoming_detail")


@login_required
@require_POST
def incoming_assign(request, pk):
    entry = queries.visible_incoming(request.user, pk)
    form = AssignForm(request.POST, entry=entry)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("documents:incoming_detail", pk=entry.pk)
    d = form.cleaned_data
    return _incoming_action(
        request,
        pk,
        lambda e: services.assign_incoming(
            request.user, e, handler=d["handler"], deadline=d["deadline"], note=d["note"] or ""
        ),
        _("Assigned."),
    )


@login_required
@require_POST
def incoming_handle(request, pk):
    form = HandleForm(request.POST)
    form.is_valid()
    return _incoming_action(
        request,
        pk,
        lambda e: services.mark_handled(request.user, e, form.cleaned_data.get("note") or ""),
        _("Marked as handled."),
    )


@login_required
@require_GET
@officers_only
def overdue(request):
    mine, units = queries.overdue_for(request.user)
    return render(
        request,
        "documents/overdue.html",
        {"mine": mine[:200], "units": units[:500], "today": timezone.localdate()},
    )


# --- registers ------------------------------------------------------------------------


@login_required
@require_GET
@officers_only
def register_list(request):
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return render(
        request,
        "documents/registers.html",
        {
            "registers": queries.registers_for(request.user, year)[:500],
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        },
    )


@login_required
@require_GET
def register_detail(request, pk):
    register = queries.visible_register(request.user, pk)
    return render(
        request,
        "documents/register_detail.html",
        {
            "register": register,
            "page": _page(request, queries.register_entries(register), 50),
        },
    )


# --- certificates ---------------------------------------------------------------------


@login_required
@require_GET
def certificate_list(request):
    return render(
        request,
        "documents/certificates.html",
        {
            "certificates": queries.certificates_for(request.user).order_by("-created_at")[:300],
            "ca": queries.internal_ca(),
            "can_manage": queries.drafting_units(request.user, CERTIFICATE_MANAGERS).exists(),
            "now": timezone.now(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_issue(request):
    form = CertificateIssueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.issue_internal_certificate(
                request.user, unit=d["unit"], kind=d["kind"], user=d["user"], days=d["days"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Certificate issued by the internal CA."))
            return redirect("documents:certificates")
    return render(
        request,
        "documents/form.html",
        {"form": form, "title": _("Issue a certificate (internal CA)")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_import(request):
    form = CertificateImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.import_pkcs12(
                request.user,
                unit=d["unit"],
                kind=d["kind"],
                user=d["user"],
                data=d["file"].read(),
                password=d["password"] or "",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Certificate imported."))
            return redirect("documents:certificates")
    return render(
        request, "documents/form.html", {"form": form, "title": _("Import a PKCS#12 certificate")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_revoke(request, pk):
    certificate = queries.visible_certificate(request.user, pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_certificate(request.user, certificate, form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, pgettext("documents", "Certificate revoked."))
            return redirect("documents:certificates")
    return render(
        request,
        "documents/form.html",
        {
            "form": form,
            "title": _("Revoke certificate %(subject)s") % {"subject": certificate.subject},
            "danger": True,
        },
    )


# --- public verification --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def verify_document(request):
    """Public: anyone may check a signed PDF, or a document by the code printed on it."""
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if request.GET.get("code") else None)
    )
    form = VerifyForm(data, request.FILES or None)
    report = document = None
    not_found = False
    if data is not None and form.is_valid():
        upload = form.cleaned_data.get("file")
        if upload:
            report = verify_pdf(upload.read())
        else:
            document, report = verify_by_code(form.cleaned_data["code"])
            not_found = document is None
    return render(
        request,
        "documents/verify.html",
        {"form": form, "report": report, "document": document, "not_found": not_found},
    )
