"""Drafting and review: a unit's draft with its PDF, recipients and attachments; revision,
submission to reviewers, their answers, and the head's approval."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.common import uploads
from congdoan.common.errors import NotAllowed
from congdoan.org.choices import ALL_ROLES
from congdoan.org.models import Unit
from congdoan.org.paths import ancestor_paths
from congdoan.org.scoping import has_role_on
from congdoan.org.services import require_role

from ..choices import (
    DRAFTERS,
    HEADS,
    Confidentiality,
    DocumentStatus,
    EventAction,
    ReviewDecision,
    SignerPrefix,
    Urgency,
)
from ..models import Attachment, Document, DocumentType, Recipient, Review
from ..queries import allowed_recipient_units, current_round, pending_reviews
from .files import Upload, check_upload_size, pdf_content, read_upload
from .journal import record_event, set_history


@dataclass
class DraftData:
    unit: Unit
    doc_type: DocumentType
    summary: str
    file: Upload | None
    urgency: str = Urgency.NORMAL
    confidentiality: str = Confidentiality.NORMAL
    place: str = ""
    department: str = ""
    signer: User | None = None
    signing_unit: Unit | None = None  # an upper unit that signs and issues (routing)
    signer_prefix: str = SignerPrefix.NONE
    signer_position: str = ""
    recipient_units: tuple[Unit, ...] = ()
    recipient_users: tuple[User, ...] = ()
    recipients_text: str = ""
    attachments: tuple[Upload, ...] = ()


def lock_document(document: Document, **annotations) -> Document:
    """The document again, read under a row lock (inside the caller's transaction), with
    ``annotations`` computed in the same query."""
    return (
        Document.objects.select_for_update(of=("self",))  # not the nullable signing unit
        .select_related("unit", "doc_type", "signing_unit")
        .annotate(**annotations)
        .get(pk=document.pk)
    )


def require_status(document: Document, *statuses: str) -> None:
    if document.status not in statuses:
        raise ValidationError(
            _("This action is not possible while the document is %(status)s.")
            % {"status": document.get_status_display().lower()}
        )


@transaction.atomic
def create_document(actor: User, data: DraftData) -> Document:
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
    signing_unit = data.signing_unit
    if signing_unit is not None and signing_unit.pk == data.unit.pk:
        signing_unit = None
    if signing_unit is not None and not (
        signing_unit.path in ancestor_paths(data.unit.path) and signing_unit.is_active
    ):
        errors["signing_unit"] = _("A document can be sent for signature only to an upper unit.")
    elif data.signer is not None and not has_role_on(
        data.signer, signing_unit or data.unit, HEADS | DRAFTERS
    ):
        errors["signer"] = (
            _("The signer must hold a role on the unit the document is sent to for signature.")
            if signing_unit
            else _("The signer must hold a role on the issuing unit.")
        )
    allowed = set(allowed_recipient_units(actor, data.unit).values_list("pk", flat=True))
    if any(u.pk not in allowed for u in data.recipient_units):
        errors["recipient_units"] = _("A recipient unit is not one you can send to.")
    if errors:
        raise ValidationError(errors)
    pdf, source = pdf_content(data.file)
    with uploads.refused_as("attachments"):  # every file is checked before one is stored
        for upload in data.attachments:
            check_upload_size(upload)
    document = Document(
        unit=data.unit,
        doc_type=data.doc_type,
        summary=data.summary,
        urgency=data.urgency,
        confidentiality=data.confidentiality,
        place=data.place or data.unit.province_name,
        department=data.department.strip().upper(),
        signer=data.signer,
        signing_unit=signing_unit,
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
        set_history(document, actor, "created")
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
        record_event(actor, EventAction.CREATED, document=document)
    return document


@transaction.atomic
def revise_document(
    actor: User, document: Document, *, file: Upload | None = None, summary: str | None = None
) -> Document:
    """Replace the content or summary of a draft or a returned document."""
    require_role(actor, document.unit, DRAFTERS)
    document = lock_document(document)
    require_status(document, DocumentStatus.DRAFT, DocumentStatus.RETURNED)
    if summary is not None:
        if not summary.strip():
            raise ValidationError({"summary": _("Write the summary (trích yếu).")})
        document.summary = summary
    if file is not None:
        pdf, _source = pdf_content(file)
        document.content.save("document.pdf", ContentFile(pdf), save=False)
    set_history(document, actor, "revised")
    document.save()
    record_event(actor, EventAction.REVISED, document=document)
    return document


@transaction.atomic
def submit_for_review(actor: User, document: Document, reviewers: Iterable[User] = ()) -> Document:
    """Send a draft to reviewers (none: straight to the head's approval)."""
    require_role(actor, document.unit, DRAFTERS)
    document = lock_document(document)
    require_status(document, DocumentStatus.DRAFT, DocumentStatus.RETURNED)
    round_ = current_round(document) + 1
    for reviewer in {r.pk: r for r in reviewers}.values():
        if not has_role_on(reviewer, document.unit, ALL_ROLES):
            raise ValidationError(
                {"reviewers": _("%(name)s holds no role on this unit.") % {"name": reviewer}}
            )
        Review.objects.create(document=document, reviewer=reviewer, round=round_)
    document.status = DocumentStatus.IN_REVIEW
    set_history(document, actor, "submitted")
    document.save()
    names = ", ".join(str(r) for r in reviewers)
    record_event(actor, EventAction.SUBMITTED, document=document, note=names)
    return document


@transaction.atomic
def review_document(actor: User, document: Document, *, agree: bool, comment: str = "") -> Document:
    """A reviewer agrees, or returns the document for changes (a comment is then required)."""
    require_role(actor, document.unit, ALL_ROLES)
    document = lock_document(document)
    require_status(document, DocumentStatus.IN_REVIEW)
    review = document.reviews.filter(
        reviewer=actor, round=current_round(document), decision=ReviewDecision.PENDING
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
        set_history(document, actor, "returned")
        document.save()
    record_event(
        actor,
        EventAction.REVIEW_AGREED if agree else EventAction.REVIEW_RETURNED,
        document=document,
        note=comment,
    )
    return document


@transaction.atomic
def approve_document(actor: User, document: Document, comment: str = "") -> Document:
    """The head of the issuing unit approves (a draft directly, or once reviewers agreed)."""
    require_role(actor, document.unit, HEADS)
    document = lock_document(document)
    require_status(document, DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW)
    if document.status == DocumentStatus.IN_REVIEW and pending_reviews(document).exists():
        raise ValidationError(_("Some reviewers have not answered yet."))
    mark_approved(actor, document, comment)
    return document


def set_approved(actor: User, document: Document) -> None:
    """The approval's fields on ``document`` (locked by the caller, its checks done), unsaved."""
    document.status = DocumentStatus.APPROVED
    document.approved_by = actor
    document.approved_at = timezone.now()


def mark_approved(actor: User, document: Document, comment: str = "") -> None:
    """Approve ``document`` (locked by the caller, its checks done)."""
    set_approved(actor, document)
    set_history(document, actor, "approved")
    document.save()
    record_event(actor, EventAction.APPROVED, document=document, note=comment)
