"""Operations of the paperless office. Each runs in one transaction and checks scope first.

Drafting, review, approval, signing, issuing (number + seal), delivery into the recipients'
incoming registers, assignment and handling; registering paper documents with a scan; the
internal CA and signing certificates. Views, the API, commands, the demo and tests all call
these functions.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from congdoan.common import uploads
from congdoan.common.errors import NotAllowed, OutOfScope
from congdoan.org.choices import ALL_ROLES
from congdoan.org.models import Unit
from congdoan.org.scoping import has_role_on
from congdoan.org.services import require_role

from . import pki, signing
from .choices import (
    CERTIFICATE_MANAGERS,
    CLERKS,
    DRAFTERS,
    HEADS,
    CertificateKind,
    CertificateSource,
    Channel,
    Confidentiality,
    Direction,
    DocumentStatus,
    EventAction,
    IncomingStatus,
    ReviewDecision,
    SignatureRole,
    SignerPrefix,
    Urgency,
)
from .models import (
    Attachment,
    CertificateAuthority,
    Document,
    DocumentSignature,
    DocumentType,
    Event,
    IncomingEntry,
    Recipient,
    Register,
    Review,
    SigningCertificate,
    TrustAnchor,
)

CONVERTIBLE = {".docx", ".odt", ".doc", ".rtf"}
ZIP_OFFICE = {".docx", ".odt"}  # ZIP archives: checked for what they expand to before conversion


# --- helpers ----------------------------------------------------------------------------


def timestamp_url() -> str:
    import os

    return getattr(settings, "DOCUMENTS_TSA_URL", "") or os.environ.get("CONGDOAN_TSA_URL", "")


def office_converter() -> str | None:
    """Path of LibreOffice when installed: DOCX/ODT uploads are converted, else a PDF is asked."""
    return shutil.which("libreoffice") or shutil.which("soffice")


def convert_to_pdf(name: str, data: bytes) -> bytes:
    tool = office_converter()
    if tool is None:
        raise ValidationError(
            {
                "file": _(
                    "This server cannot convert Word or OpenDocument files; please upload a PDF."
                )
            }
        )
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / Path(name).name
        source.write_bytes(data)
        subprocess.run(
            [tool, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(source)],
            check=False,
            capture_output=True,
            timeout=180,
        )
        out = source.with_suffix(".pdf")
        if not out.exists():
            raise ValidationError({"file": _("The file could not be converted to PDF.")})
        return out.read_bytes()


def read_upload(upload, field: str = "file") -> tuple[str, bytes]:
    """(name, bytes) of an uploaded file, or of a ``(name, bytes)`` pair."""
    if isinstance(upload, tuple):
        return upload
    upload.seek(0)
    return upload.name, upload.read()


def pdf_content(upload, field: str = "file") -> tuple[bytes, tuple[str, bytes] | None]:
    """The PDF of an upload, converting office files; (pdf, original source or None).

    Checked before anything is stored (``congdoan.common.uploads``): the size limit, a Word or
    OpenDocument file's expansion before LibreOffice opens it, and the PDF itself (by content,
    readable, a page tree without loops: signing walks it)."""
    if upload is None:
        raise ValidationError({field: _("Choose the document file (PDF).")})
    with uploads.refused_as(field):
        uploads.check_size(upload[1] if isinstance(upload, tuple) else upload)
        name, data = read_upload(upload)
        suffix = Path(name).suffix.lower()
        source = None
        if suffix in CONVERTIBLE:
            if suffix in ZIP_OFFICE:
                uploads.check_kind(data, name, uploads.ZIP)
                uploads.check_archive(data)
            source = (name, data)
            data = convert_to_pdf(name, data)
            name = Path(name).with_suffix(".pdf").name
        uploads.check_pdf(data)
    return data, source


def confirm_identity(actor, *, password: str | None = None, otp: str | None = None) -> None:
    """Signing asks the signer again: their password or a TOTP code."""
    from congdoan.accounts.services import verify_totp

    if otp:
        if verify_totp(actor, otp):
            return
        raise ValidationError({"otp": _("The authentication code is wrong or already used.")})
    if password:
        if actor.check_password(password):
            return
        raise ValidationError({"password": _("The password is wrong.")})
    raise ValidationError({"password": _("Confirm with your password or an authentication code.")})


def _event(actor, action: str, *, document=None, incoming=None, note: str = "") -> Event:
    return Event.objects.create(
        document=document,
        incoming=incoming,
        action=action,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _history(obj, actor, reason: str) -> None:
    obj._change_reason = reason
    obj._history_user = actor if getattr(actor, "pk", None) else None


def _locked(document: Document) -> Document:
    return (
        Document.objects.select_for_update().select_related("unit", "doc_type").get(pk=document.pk)
    )


def _require_status(document: Document, *statuses) -> None:
    if document.status not in statuses:
        raise ValidationError(
            _("This action is not possible while the document is %(status)s.")
            % {"status": document.get_status_display().lower()}
        )


def allowed_recipient_units(actor, unit: Unit):
    """Units a document of ``unit`` may be sent to: its ancestors, and units the actor sees."""
    from django.db.models import Q

    ancestors = [unit.path[:i] for i in range(Unit.steplen, len(unit.path), Unit.steplen)]
    return (
        Unit.objects.all()
        .active()
        .filter(Q(path__in=ancestors) | Q(pk__in=Unit.objects.visible_to(actor).values("pk")))
    )


# --- numbering --------------------------------------------------------------------------


def take_number(
    *, unit: Unit, direction: str, year: int, doc_type: DocumentType | None, confidential: bool
) -> tuple[Register, int]:
    """The next number of a register, under a row lock: no gaps, no repeats.

    Must run inside the caller's transaction, so a failure later in the same operation gives
    the number back. On PostgreSQL the counter row is locked (SELECT … FOR UPDATE); SQLite
    serialises writers with IMMEDIATE transactions (settings.py).
    """
    lookup = {
        "unit": unit,
        "direction": direction,
        "year": year,
        "doc_type": doc_type,
        "confidential": confidential,
    }
    register = Register.objects.select_for_update().filter(**lookup).first()
    if register is None:
        try:
            with transaction.atomic():
                Register.objects.create(**lookup)
        except IntegrityError:
            pass  # created by a concurrent transaction: read it below
        register = Register.objects.select_for_update().get(**lookup)
    number = register.next_number
    Register.objects.filter(pk=register.pk).update(next_number=F("next_number") + 1)
    register.next_number = number + 1
    return register, number


def format_number_symbol(
    number: int, doc_type: DocumentType, unit: Unit, department: str = ""
) -> str:
    """``05/QĐ-LĐLĐ``; an official letter (no type abbreviation) ``12/LĐLĐ-TC`` (DOMAIN.md)."""
    issuer = (unit.abbreviation or unit.code).replace(" ", "")
    if doc_type.abbreviation:
        return f"{number:02d}/{doc_type.abbreviation}-{issuer}"
    return f"{number:02d}/{issuer}" + (f"-{department.strip()}" if department.strip() else "")


# --- drafting and workflow --------------------------------------------------------------


@dataclass
class DraftData:
    unit: Unit
    doc_type: DocumentType
    summary: str
    file: object
    urgency: str = Urgency.NORMAL
    confidentiality: str = Confidentiality.NORMAL
    place: str = ""
    department: str = ""
    signer: object = None
    signer_prefix: str = SignerPrefix.NONE
    signer_position: str = ""
    recipient_units: tuple = ()
    recipient_users: tuple = ()
    recipients_text: str = ""
    attachments: tuple = ()


@transaction.atomic
def create_document(actor, data: DraftData) -> Document:
    """A new draft of ``data.unit``, with its PDF content, recipients and attachments."""
    require_role(actor, data.unit, DRAFTERS)
    errors = {}
    if not data.summary or not data.summary.strip():
        errors["summary"] = _("Write the summary (trích yếu).")
    if not data.unit.is_active:
        errors["unit"] = _("Only an active unit can issue documents.")
    if data.urgency not in Urgency.values:
        errors["urgency"] = _("Unknown urgency.")
    if data.confidentiality not in Confidentiality.values:
        errors["confidentiality"] = _("Unknown confidentiality level.")
    if data.signer_prefix not in SignerPrefix.values:
        errors["signer_prefix"] = _("Unknown signer prefix.")
    if data.signer is not None and not has_role_on(data.signer, data.unit, HEADS | DRAFTERS):
        errors["signer"] = _("The signer must hold a role on the issuing unit.")
    allowed = set(allowed_recipient_units(actor, data.unit).values_list("pk", flat=True))
    if any(u.pk not in allowed for u in data.recipient_units):
        errors["recipient_units"] = _("A recipient unit is not one you can send to.")
    if errors:
        raise ValidationError(errors)
    pdf, source = pdf_content(data.file)
    with uploads.refused_as("attachments"):  # every file is checked before one is stored
        for upload in data.attachments:
            uploads.check_size(upload[1] if isinstance(upload, tuple) else upload)
    document = Document(
        unit=data.unit,
        doc_type=data.doc_type,
        summary=data.summary,
        urgency=data.urgency,
        confidentiality=data.confidentiality,
        place=data.place or data.unit.province_name,
        department=data.department.strip().upper(),
        signer=data.signer,
        signer_prefix=data.signer_prefix,
        signer_position=data.signer_position,
        recipients_text=data.recipients_text,
        created_by=actor,
    )
    with uploads.removed_on_failure() as stored:  # a rolled-back draft leaves no file behind
        document.content.save("document.pdf", ContentFile(pdf), save=False)
        stored(document.content)
        if source is not None:
            document.source.save(Path(source[0]).name, ContentFile(source[1]), save=False)
            stored(document.source)
        _history(document, actor, "created")
        document.save()
        for unit in {u.pk: u for u in data.recipient_units}.values():
            Recipient.objects.create(document=document, unit=unit)
        for user in {u.pk: u for u in data.recipient_users}.values():
            Recipient.objects.create(document=document, user=user)
        for upload in data.attachments:
            name, content = read_upload(upload)
            attachment = Attachment(document=document, name=Path(name).name[:200])
            attachment.file.save(Path(name).name, ContentFile(content), save=False)
            stored(attachment.file)
            attachment.save()
        _event(actor, EventAction.CREATED, document=document)
    return document


@transaction.atomic
def revise_document(
    actor, document: Document, *, file=None, summary: str | None = None
) -> Document:
    """Replace the content or summary of a draft or a returned document."""
    require_role(actor, document.unit, DRAFTERS)
    document = _locked(document)
    _require_status(document, DocumentStatus.DRAFT, DocumentStatus.RETURNED)
    if summary is not None:
        if not summary.strip():
            raise ValidationError({"summary": _("Write the summary (trích yếu).")})
        document.summary = summary
    if file is not None:
        pdf, _source = pdf_content(file)
        document.content.save("document.pdf", ContentFile(pdf), save=False)
    _history(document, actor, "revised")
    document.save()
    _event(actor, EventAction.REVISED, document=document)
    return document


def _current_round(document: Document) -> int:
    return document.reviews.order_by("-round").values_list("round", flat=True).first() or 0


@transaction.atomic
def submit_for_review(actor, document: Document, reviewers=()) -> Document:
    """Send a draft to reviewers (none: straight to the head's approval)."""
    require_role(actor, document.unit, DRAFTERS)
    document = _locked(document)
    _require_status(document, DocumentStatus.DRAFT, DocumentStatus.RETURNED)
    round_ = _current_round(document) + 1
    for reviewer in {r.pk: r for r in reviewers}.values():
        if not has_role_on(reviewer, document.unit, ALL_ROLES):
            raise ValidationError(
                {"reviewers": _("%(name)s holds no role on this unit.") % {"name": reviewer}}
            )
        Review.objects.create(document=document, reviewer=reviewer, round=round_)
    document.status = DocumentStatus.IN_REVIEW
    _history(document, actor, "submitted")
    document.save()
    names = ", ".join(str(r) for r in reviewers)
    _event(actor, EventAction.SUBMITTED, document=document, note=names)
    return document


@transaction.atomic
def review_document(actor, document: Document, *, agree: bool, comment: str = "") -> Document:
    """A reviewer agrees, or returns the document for changes (a comment is then required)."""
    require_role(actor, document.unit, ALL_ROLES)
    document = _locked(document)
    _require_status(document, DocumentStatus.IN_REVIEW)
    review = document.reviews.filter(
        reviewer=actor, round=_current_round(document), decision=ReviewDecision.PENDING
    ).first()
    if review is None:
        raise NotAllowed(_("You are not a reviewer of this document."))
    if not agree and not comment.strip():
        raise ValidationError({"comment": _("Say what should change.")})
    review.decision = ReviewDecision.APPROVED if agree else ReviewDecision.RETURNED
    review.comment = comment.strip()
    review.decided_at = timezone.now()
    review.save()
    if not agree:
        document.status = DocumentStatus.RETURNED
        _history(document, actor, "returned")
        document.save()
    _event(
        actor,
        EventAction.REVIEW_AGREED if agree else EventAction.REVIEW_RETURNED,
        document=document,
        note=comment,
    )
    return document


def pending_reviews(document: Document):
    return document.reviews.filter(round=_current_round(document), decision=ReviewDecision.PENDING)


@transaction.atomic
def approve_document(actor, document: Document, comment: str = "") -> Document:
    """The head of the issuing unit approves (a draft directly, or once reviewers agreed)."""
    require_role(actor, document.unit, HEADS)
    document = _locked(document)
    _require_status(document, DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW)
    if document.status == DocumentStatus.IN_REVIEW and pending_reviews(document).exists():
        raise ValidationError(_("Some reviewers have not answered yet."))
    _approve(actor, document, comment)
    return document


def _approve(actor, document: Document, comment: str = "") -> None:
    document.status = DocumentStatus.APPROVED
    document.approved_by = actor
    document.approved_at = timezone.now()
    _history(document, actor, "approved")
    document.save()
    _event(actor, EventAction.APPROVED, document=document, note=comment)


def usable_certificate(*, user=None, unit=None, kind: str) -> SigningCertificate | None:
    qs = SigningCertificate.objects.usable().filter(kind=kind)
    qs = qs.filter(user=user) if user is not None else qs.filter(unit=unit)
    return qs.order_by("-not_after").first()


def _page_index(pdf, page: int | None) -> int:
    count = signing.page_count(pdf)
    if page is None or page == 0 or page == -1:
        return count - 1
    if not 1 <= page <= count:
        raise ValidationError(
            {"page": _("Choose a page between 1 and %(count)s.") % {"count": count}}
        )
    return page - 1


def _signing_position(position: str) -> str:
    if position not in signing.POSITIONS:
        raise ValidationError({"position": _("Unknown position of the signature block.")})
    return position


def can_sign(user, document: Document) -> bool:
    if document.signer_id:
        return document.signer_id == user.pk
    return has_role_on(user, document.unit, HEADS)


@transaction.atomic
def sign_document(
    actor,
    document: Document,
    *,
    password: str | None = None,
    otp: str | None = None,
    page: int | None = None,
    position: str = "bottom-right",
    pre_confirmed: bool = False,
) -> Document:
    """The signer's PAdES signature with a visible block (name, position, unit, time).

    The head of the issuing unit may sign a draft directly (approving it in the same step);
    anyone else signs only an approved document. Revoked or expired certificates cannot sign.
    ``pre_confirmed`` is for the demo builder only; requests always confirm.
    """
    require_role(actor, document.unit, ALL_ROLES)
    document = _locked(document)
    if not can_sign(actor, document):
        raise NotAllowed(_("You are not the signer of this document."))
    head = has_role_on(actor, document.unit, HEADS)
    if document.status != DocumentStatus.APPROVED:
        if not (head and document.status in (DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW)):
            _require_status(document, DocumentStatus.APPROVED)
        if document.status == DocumentStatus.IN_REVIEW and pending_reviews(document).exists():
            raise ValidationError(_("Some reviewers have not answered yet."))
    position = _signing_position(position)
    certificate = usable_certificate(user=actor, kind=CertificateKind.PERSONAL)
    if certificate is None:
        raise ValidationError(
            _(
                "You have no valid signing certificate (revoked or expired certificates cannot sign)."
            )
        )
    if not pre_confirmed:
        confirm_identity(actor, password=password, otp=otp)
    if document.status != DocumentStatus.APPROVED:
        _approve(actor, document, _("Approved by the signer."))
    pdf = document.content.read()
    document.content.close()
    writer = signing.open_pdf(pdf)
    page_ix = _page_index(writer, page)
    moment = timezone.now()
    titles = [
        document.signer_prefix and f"{document.signer_prefix} {document.unit.name}",
        document.signer_position,
    ]
    appearance = signing.signer_appearance(
        title_lines=titles, name=actor.display_name, unit=document.unit.name, moment=moment
    )
    signed = signing.sign_pdf(
        writer,
        _material(certificate),
        field_name="ChuKyNguoiKy",
        appearance=appearance,
        page_ix=page_ix,
        box=signing.signer_box(writer, page_ix, position),
        reason=_("Signed by the competent person"),
        location=document.place or document.unit.province_name,
        signer_name=actor.display_name,
        timestamp_url=timestamp_url(),
    )
    if not document.original:
        document.original.save("original.pdf", ContentFile(pdf), save=False)
    document.content.save("signed.pdf", ContentFile(signed), save=False)
    document.status = DocumentStatus.SIGNED
    document.signed_at = moment
    document.signer = document.signer or actor
    _history(document, actor, "signed")
    document.save()
    DocumentSignature.objects.create(
        document=document,
        certificate=certificate,
        role=SignatureRole.SIGNER,
        signed_by=actor,
        signed_at=moment,
        field_name="ChuKyNguoiKy",
        page_index=page_ix,
        position=position,
        timestamped=bool(timestamp_url()),
    )
    _event(actor, EventAction.SIGNED, document=document, note=pki_subject_name(certificate))
    return document


def pki_subject_name(certificate: SigningCertificate) -> str:
    return pki.common_name(pki.load_certificate(bytes(certificate.certificate_der)))


def _material(certificate: SigningCertificate) -> signing.KeyMaterial:
    return signing.KeyMaterial(
        certificate_der=bytes(certificate.certificate_der),
        chain=pki.chain_from_json(certificate.chain_der),
        encrypted_key=bytes(certificate.encrypted_key),
    )


def _signature_page(document: Document, pdf) -> tuple[int, str]:
    """Page and position of the signer's block: the seal goes next to it."""
    signature = document.signatures.filter(role=SignatureRole.SIGNER).order_by("-signed_at").first()
    if signature is None:
        return signing.page_count(pdf) - 1, "bottom-right"
    return signature.page_index, signature.position


@transaction.atomic
def issue_document(
    actor,
    document: Document,
    *,
    password: str | None = None,
    otp: str | None = None,
    issue_date: date | None = None,
    pre_confirmed: bool = False,
) -> Document:
    """The clerk issues a signed document: next number of the register, the organisation's
    seal as a second signature (name, number, ISO 8601 Vietnam time), and delivery into the
    incoming register of every recipient unit."""
    require_role(actor, document.unit, CLERKS)
    document = _locked(document)
    _require_status(document, DocumentStatus.SIGNED)
    seal = usable_certificate(unit=document.unit, kind=CertificateKind.SEAL)
    if seal is None:
        raise ValidationError(
            _(
                "The unit has no valid seal certificate (revoked or expired certificates cannot sign)."
            )
        )
    if not pre_confirmed:
        confirm_identity(actor, password=password, otp=otp)
    issue_date = issue_date or timezone.localdate()
    register, number = take_number(
        unit=document.unit,
        direction=Direction.OUTGOING,
        year=issue_date.year,
        doc_type=document.doc_type,
        confidential=document.is_confidential,
    )
    document.register, document.number = register, number
    document.number_symbol = format_number_symbol(
        number, document.doc_type, document.unit, document.department
    )
    document.issue_date = issue_date
    pdf = document.content.read()
    document.content.close()
    writer = signing.open_pdf(pdf)
    page_ix, position = _signature_page(document, writer)
    moment = timezone.now()
    appearance = signing.seal_appearance(
        unit=document.unit.name, number_symbol=document.number_symbol, moment=moment
    )
    sealed = signing.sign_pdf(
        writer,
        _material(seal),
        field_name="ChuKyCoQuan",
        appearance=appearance,
        page_ix=page_ix,
        box=signing.seal_box(writer, page_ix, position),
        reason=_("Issued: %(number)s") % {"number": document.number_symbol},
        location=document.place or document.unit.province_name,
        signer_name=document.unit.name,
        timestamp_url=timestamp_url(),
    )
    document.content.save("issued.pdf", ContentFile(sealed), save=False)
    document.status = DocumentStatus.ISSUED
    document.issued_by, document.issued_at = actor, moment
    _history(document, actor, "issued")
    document.save()
    DocumentSignature.objects.create(
        document=document,
        certificate=seal,
        role=SignatureRole.SEAL,
        signed_by=actor,
        signed_at=moment,
        field_name="ChuKyCoQuan",
        page_index=page_ix,
        position=position,
        timestamped=bool(timestamp_url()),
    )
    _event(actor, EventAction.ISSUED, document=document, note=document.number_symbol)
    deliver(actor, document)
    return document


def deliver(actor, document: Document) -> list[IncomingEntry]:
    """Put an issued document into the incoming register of each recipient unit."""
    entries = []
    for recipient in document.recipients.filter(unit__isnull=False).select_related("unit"):
        unit = recipient.unit
        if IncomingEntry.objects.filter(unit=unit, document=document).exists():
            continue
        register, number = take_number(
            unit=unit,
            direction=Direction.INCOMING,
            year=timezone.localdate().year,
            doc_type=None,
            confidential=document.is_confidential,
        )
        entry = IncomingEntry(
            unit=unit,
            register=register,
            number=number,
            channel=Channel.ELECTRONIC,
            document=document,
            sender=document.unit.name,
            number_symbol=document.number_symbol,
            doc_type=document.doc_type,
            document_date=document.issue_date,
            summary=document.summary,
            urgency=document.urgency,
            confidentiality=document.confidentiality,
            registered_by=actor,
        )
        _history(entry, actor, "delivered")
        entry.save()
        _event(actor, EventAction.RECEIVED, incoming=entry, note=document.number_symbol)
        entries.append(entry)
    if entries:
        _event(
            actor,
            EventAction.DELIVERED,
            document=document,
            note=", ".join(e.unit.name for e in entries),
        )
    return entries


# --- incoming documents -----------------------------------------------------------------


@transaction.atomic
def register_paper_document(
    actor,
    unit: Unit,
    *,
    sender: str,
    doc_type: DocumentType,
    summary: str,
    scan,
    number_symbol: str = "",
    document_date: date | None = None,
    urgency: str = Urgency.NORMAL,
    confidentiality: str = Confidentiality.NORMAL,
) -> IncomingEntry:
    """Register a paper document received, with its scan (so it counts as not online)."""
    require_role(actor, unit, CLERKS)
    errors = {}
    if not sender or not sender.strip():
        errors["sender"] = _("Name the sender.")
    if not summary or not summary.strip():
        errors["summary"] = _("Write the summary (trích yếu).")
    if errors:
        raise ValidationError(errors)
    pdf, _source = pdf_content(scan, "scan")
    register, number = take_number(
        unit=unit,
        direction=Direction.INCOMING,
        year=timezone.localdate().year,
        doc_type=None,
        confidential=confidentiality != Confidentiality.NORMAL,
    )
    entry = IncomingEntry(
        unit=unit,
        register=register,
        number=number,
        channel=Channel.PAPER,
        sender=sender.strip(),
        number_symbol=number_symbol.strip(),
        doc_type=doc_type,
        document_date=document_date,
        summary=summary,
        urgency=urgency,
        confidentiality=confidentiality,
        registered_by=actor,
    )
    entry.scan.save("scan.pdf", ContentFile(pdf), save=False)
    _history(entry, actor, "registered")
    entry.save()
    _event(actor, EventAction.REGISTERED_PAPER, incoming=entry)
    return entry


@transaction.atomic
def assign_incoming(
    actor, entry: IncomingEntry, *, handler, deadline: date | None, note: str = ""
) -> IncomingEntry:
    require_role(actor, entry.unit, CLERKS)
    entry = IncomingEntry.objects.select_for_update().select_related("unit").get(pk=entry.pk)
    if entry.status == IncomingStatus.HANDLED:
        raise ValidationError(_("This document has already been handled."))
    if handler is None or not has_role_on(handler, entry.unit, ALL_ROLES):
        raise ValidationError({"handler": _("The handler must hold a role on the receiving unit.")})
    if deadline is not None and deadline < timezone.localdate():
        raise ValidationError(
            {"deadline": pgettext("documents", "The deadline cannot be in the past.")}
        )
    entry.handler, entry.deadline = handler, deadline
    entry.status = IncomingStatus.ASSIGNED
    entry.assigned_at = timezone.now()
    _history(entry, actor, "assigned")
    entry.save()
    _event(
        actor,
        EventAction.ASSIGNED,
        incoming=entry,
        note=" · ".join(
            part
            for part in (str(handler), deadline.strftime("%d/%m/%Y") if deadline else "", note)
            if part
        ),
    )
    return entry


@transaction.atomic
def mark_handled(actor, entry: IncomingEntry, note: str = "") -> IncomingEntry:
    require_role(actor, entry.unit, ALL_ROLES)
    entry = IncomingEntry.objects.select_for_update().select_related("unit").get(pk=entry.pk)
    if entry.handler_id != actor.pk and not has_role_on(actor, entry.unit, CLERKS):
        raise NotAllowed(_("Only the handler or a clerk of the unit can close this document."))
    if entry.status == IncomingStatus.HANDLED:
        raise ValidationError(_("This document has already been handled."))
    entry.status = IncomingStatus.HANDLED
    entry.handled_at = timezone.now()
    entry.handling_note = note.strip()
    _history(entry, actor, "handled")
    entry.save()
    _event(actor, EventAction.HANDLED, incoming=entry, note=note)
    return entry


# --- certificates -----------------------------------------------------------------------


def internal_ca() -> CertificateAuthority | None:
    return CertificateAuthority.objects.order_by("-created_at").first()


@transaction.atomic
def init_ca(organisation: str, years: int = 10) -> CertificateAuthority:
    """Create the internal CA once; its root becomes a trust anchor (labelled internal)."""
    existing = internal_ca()
    if existing is not None:
        return existing
    issued = pki.create_ca(organisation, years)
    ca = CertificateAuthority.objects.create(
        name=pki.common_name(issued.certificate),
        certificate_der=issued.certificate.public_bytes(pki.serialization.Encoding.DER),
        encrypted_key=pki.encrypt_private_key(issued.key),
        not_after=issued.certificate.not_valid_after_utc,
    )
    add_trust_anchor(bytes(ca.certificate_der), name=ca.name, internal=True)
    return ca


def add_trust_anchor(data: bytes, *, name: str = "", internal: bool = False) -> TrustAnchor:
    cert = pki.load_any_certificate(data)
    der = cert.public_bytes(pki.serialization.Encoding.DER)
    anchor, _created = TrustAnchor.objects.get_or_create(
        fingerprint=pki.fingerprint(cert),
        defaults={
            "name": name or pki.common_name(cert),
            "certificate_der": der,
            "is_internal": internal,
        },
    )
    return anchor


def _store_certificate(
    actor, issued: pki.IssuedCertificate, *, kind: str, source: str, unit: Unit, user
) -> SigningCertificate:
    cert = issued.certificate
    return SigningCertificate.objects.create(
        kind=kind,
        source=source,
        user=user,
        unit=unit,
        subject=cert.subject.rfc4514_string()[:500],
        issuer=cert.issuer.rfc4514_string()[:500],
        serial=format(cert.serial_number, "x")[:80],
        fingerprint=pki.fingerprint(cert),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        certificate_der=cert.public_bytes(pki.serialization.Encoding.DER),
        chain_der=pki.chain_to_json(issued.chain),
        encrypted_key=pki.encrypt_private_key(issued.key),
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def _check_holder(kind: str, unit: Unit, user) -> None:
    if kind == CertificateKind.PERSONAL:
        if user is None:
            raise ValidationError(
                {"user": _("Choose the person who will sign with this certificate.")}
            )
        if not has_role_on(user, unit, ALL_ROLES):
            raise ValidationError({"user": _("The person holds no role on this unit.")})
    elif kind != CertificateKind.SEAL:
        raise ValidationError({"kind": _("Unknown kind of certificate.")})


@transaction.atomic
def issue_internal_certificate(
    actor, *, unit: Unit, kind: str, user=None, days: int = 730
) -> SigningCertificate:
    """A certificate from the internal CA for an officer, or for the unit's seal."""
    require_role(actor, unit, CERTIFICATE_MANAGERS)
    _check_holder(kind, unit, user)
    ca = internal_ca()
    if ca is None:
        raise ValidationError(
            _("The internal CA has not been created yet (run: congdoan ca init).")
        )
    ca_cert = pki.load_certificate(bytes(ca.certificate_der))
    ca_key = pki.load_private_key(bytes(ca.encrypted_key))
    common = unit.name if kind == CertificateKind.SEAL else (user.display_name if user else "")
    root = Unit.objects.filter(path=unit.path[: Unit.steplen]).first() or unit
    issued = pki.issue_certificate(
        ca_cert,
        ca_key,
        common_name=common,
        organisation=root.name,
        unit_label=unit.name if kind == CertificateKind.PERSONAL else "",
        days=days,
    )
    return _store_certificate(
        actor,
        issued,
        kind=kind,
        source=CertificateSource.INTERNAL_CA,
        unit=unit,
        user=user if kind == CertificateKind.PERSONAL else None,
    )


@transaction.atomic
def import_pkcs12(
    actor, *, unit: Unit, kind: str, data: bytes, password: str = "", user=None
) -> SigningCertificate:
    """Import a key and certificate issued by a certification authority (PKCS#12)."""
    require_role(
        actor,
        unit,
        CERTIFICATE_MANAGERS if kind == CertificateKind.SEAL or user != actor else ALL_ROLES,
    )
    _check_holder(kind, unit, user)
    try:
        issued = pki.read_pkcs12(data, password)
    except ValueError as exc:
        raise ValidationError(
            {"file": _("The PKCS#12 file could not be opened (wrong password?).")}
        ) from exc
    if SigningCertificate.objects.filter(fingerprint=pki.fingerprint(issued.certificate)).exists():
        raise ValidationError({"file": _("This certificate has already been imported.")})
    if issued.certificate.not_valid_after_utc <= timezone.now():
        raise ValidationError({"file": _("This certificate has expired.")})
    return _store_certificate(
        actor,
        issued,
        kind=kind,
        source=CertificateSource.PKCS12,
        unit=unit,
        user=user if kind == CertificateKind.PERSONAL else None,
    )


@transaction.atomic
def revoke_certificate(actor, certificate: SigningCertificate, reason: str) -> SigningCertificate:
    require_role(actor, certificate.unit, CERTIFICATE_MANAGERS)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for revoking.")})
    certificate = SigningCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.revocation_reason = reason.strip()
        certificate.save(update_fields=["revoked_at", "revocation_reason"])
    return certificate


def default_deadline(days: int = 7) -> date:
    return timezone.localdate() + timedelta(days=days)


def users_on(unit: Unit):
    """Users holding a role on ``unit`` or above it (handlers, reviewers, signers)."""
    ancestors = [unit.path[:i] for i in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    return (
        get_user_model()
        .objects.filter(role_assignments__unit__path__in=ancestors, is_active=True)
        .distinct()
    )


def require_visible(user, unit: Unit) -> None:
    if not has_role_on(user, unit, ALL_ROLES):
        raise OutOfScope()
