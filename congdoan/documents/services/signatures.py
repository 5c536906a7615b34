"""Signing and issuing: the signer's PAdES signature, then the clerk's issue (register number,
the organisation's seal as a second signature, delivery). Both ask the person again for
their password or a TOTP code; no caller can skip that."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.timestamps import TimestampRequestError

from congdoan.accounts.models import User
from congdoan.accounts.services import verify_totp
from congdoan.common import uploads
from congdoan.common.errors import NotAllowed
from congdoan.org.choices import ALL_ROLES
from congdoan.org.scoping import has_role_on
from congdoan.org.services import require_role

from .. import header, pki, signing
from ..choices import (
    CLERKS,
    HEADS,
    CertificateKind,
    Direction,
    DocumentStatus,
    EventAction,
    SignatureRole,
)
from ..models import Document, DocumentSignature, Event, SigningCertificate
from ..queries import can_sign, pending_reviews, signer_unit, usable_certificate
from .drafting import lock_document, require_status, set_approved
from .incoming import deliver
from .journal import new_event, record_event, save_with_history, set_history, snapshot
from .numbering import format_number_symbol, take_number

SIGNER_FIELD = "ChuKyNguoiKy"
SEAL_FIELD = "ChuKyCoQuan"
# Seconds to wait for the timestamp server (each connection and read). The signer's signature
# waits outside any transaction (sign_document); the seal waits inside issuing's transaction,
# under the register's lock (issue_document), so its wait is bounded tighter.
SIGNER_TSA_TIMEOUT = 15
SEAL_TSA_TIMEOUT = 5


def timestamp_url() -> str:
    """The RFC 3161 timestamp server signatures are stamped by ("" for none)."""
    return getattr(settings, "DOCUMENTS_TSA_URL", "") or os.environ.get("CONGDOAN_TSA_URL", "")


def confirm_identity(actor: User, *, password: str | None = None, otp: str | None = None) -> None:
    """Signing asks the signer again: their password or a TOTP code."""
    if otp:
        if verify_totp(actor, otp):
            return
        raise ValidationError({"otp": _("The authentication code is wrong or already used.")})
    if password:
        if actor.check_password(password):
            return
        raise ValidationError({"password": _("The password is wrong.")})
    raise ValidationError({"password": _("Confirm with your password or an authentication code.")})


def key_material(certificate: SigningCertificate) -> signing.KeyMaterial:
    return signing.KeyMaterial(
        certificate_der=bytes(certificate.certificate_der),
        chain=pki.chain_from_json(certificate.chain_der),
        encrypted_key=bytes(certificate.encrypted_key),
    )


def _no_certificate() -> ValidationError:
    return ValidationError(
        _("You have no valid signing certificate (revoked or expired certificates cannot sign).")
    )


def _page_index(pdf: IncrementalPdfFileWriter, page: int | None) -> int:
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


def _read(content: FieldFile) -> bytes:
    try:
        return content.read()
    finally:
        content.close()


@dataclass(frozen=True)
class _Block:
    """One signature to add: its field, where its visible block goes, what it says."""

    field_name: str
    page_ix: int
    position: str
    box: tuple[int, int, int, int]
    appearance: signing.Appearance
    reason: str
    signer_name: str


def _apply(
    document: Document,
    writer: IncrementalPdfFileWriter,
    certificate: SigningCertificate,
    block: _Block,
    *,
    tsa_timeout: int,
) -> bytes:
    """The document's PDF with ``block``'s signature added (time-stamped when a server is set)."""
    try:
        return signing.sign_pdf(
            writer,
            key_material(certificate),
            field_name=block.field_name,
            appearance=block.appearance,
            page_ix=block.page_ix,
            box=block.box,
            reason=block.reason,
            location=document.place or document.unit.province_name,
            signer_name=block.signer_name,
            timestamp_url=timestamp_url(),
            timestamp_timeout=tsa_timeout,
        )
    except TimestampRequestError as exc:
        raise ValidationError(
            _("The timestamp server did not answer; nothing was signed. Try again.")
        ) from exc


def _record_signature(
    document: Document,
    certificate: SigningCertificate,
    block: _Block,
    *,
    role: str,
    actor: User,
    moment: datetime,
) -> DocumentSignature:
    return DocumentSignature.objects.create(
        document=document,
        certificate=certificate,
        role=role,
        signed_by=actor,
        signed_at=moment,
        field_name=block.field_name,
        page_index=block.page_ix,
        position=block.position,
        timestamped=bool(timestamp_url()),
    )


def _check_signable(actor: User, document: Document) -> None:
    """The head of the issuing unit may sign a draft directly (approving it in the same step);
    anyone else signs only an approved document, and only as its named signer."""
    if not can_sign(actor, document):
        raise NotAllowed(_("You are not the signer of this document."))
    if document.status == DocumentStatus.APPROVED:
        return
    head = has_role_on(actor, document.signing_unit or document.unit, HEADS)
    if not (head and document.status in (DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW)):
        require_status(document, DocumentStatus.APPROVED)
    if document.status == DocumentStatus.IN_REVIEW and pending_reviews(document).exists():
        raise ValidationError(_("Some reviewers have not answered yet."))


def _version(document: Document) -> tuple[str, datetime, str]:
    """What a signature was made from: the state, the last save and the PDF file."""
    return document.status, document.updated_at, document.content.name


def sign_document(
    actor: User,
    document: Document,
    *,
    password: str | None = None,
    otp: str | None = None,
    page: int | None = None,
    position: str = "bottom-right",
) -> Document:
    """The signer's PAdES signature with a visible block (name, position, unit, time).

    The head of the issuing unit may sign a draft directly (approving it in the same step);
    anyone else signs only an approved document. Revoked or expired certificates cannot sign.
    The signer confirms with ``password`` or ``otp`` (``confirm_identity``).
    """
    # The timestamp server may take SIGNER_TSA_TIMEOUT seconds to answer. Waiting inside the
    # transaction would hold the document's row lock (PostgreSQL), or the database's one
    # write lock (SQLite, IMMEDIATE transactions) for every writer, all that time. So the PDF
    # is signed outside any transaction: read and check the document, sign its bytes, then
    # lock it, check it is still the same version in the same state, and store. A change
    # made meanwhile (returned, revised, signed by someone else) is refused and the new
    # signature thrown away, never stored over it.
    require_role(actor, document.unit, ALL_ROLES)
    seen = Document.objects.select_related("unit", "signing_unit").get(pk=document.pk)
    _check_signable(actor, seen)
    position = _signing_position(position)
    certificate = usable_certificate(user=actor, kind=CertificateKind.PERSONAL)
    if certificate is None:
        raise _no_certificate()
    confirm_identity(actor, password=password, otp=otp)
    pdf = _read(seen.content)
    writer = signing.open_pdf(pdf)
    page_ix = _page_index(writer, page)
    moment = timezone.now()
    own_unit = signer_unit(actor, seen)
    titles = [
        seen.signer_prefix and f"{seen.signer_prefix} {own_unit.name}",
        seen.signer_position,
    ]
    block = _Block(
        field_name=SIGNER_FIELD,
        page_ix=page_ix,
        position=position,
        box=signing.signer_box(writer, page_ix, position),
        appearance=signing.signer_appearance(
            title_lines=titles, name=actor.display_name, unit=own_unit.name, moment=moment
        ),
        reason=_("Signed by the competent person"),
        signer_name=actor.display_name,
    )
    signed = _apply(seen, writer, certificate, block, tsa_timeout=SIGNER_TSA_TIMEOUT)
    with uploads.removed_on_failure() as stored, transaction.atomic():
        # Whether the certificate may still sign is asked in the same query as the lock.
        usable = SigningCertificate.objects.usable().filter(pk=certificate.pk)
        document = lock_document(seen, certificate_usable=Exists(usable))
        if _version(document) != _version(seen):
            raise ValidationError(
                _(
                    "The document was changed while it was being signed; nothing was stored. "
                    "Open it again and sign the current version."
                ),
                code="changed_while_signing",
            )
        _check_signable(actor, document)
        if not document.certificate_usable:
            raise _no_certificate()
        events = []
        approved = None
        if document.status != DocumentStatus.APPROVED:
            # The head signing a draft approves it in the same step: its own history record
            # and event, written with the signature's in one INSERT each (save_with_history).
            set_approved(actor, document)
            approved = snapshot(document)
            approved.updated_at = approved._history_date = document.approved_at
            set_history(approved, actor, "approved")
            events.append(
                new_event(
                    actor,
                    EventAction.APPROVED,
                    document=document,
                    note=_("Approved by the signer."),
                )
            )
        if not document.original:
            # The unsigned PDF is the file just read (its name was checked above, and stored
            # files are never rewritten): keep it as the original rather than a second copy.
            document.original.name = document.content.name
        document.content.save("signed.pdf", ContentFile(signed), save=False)
        stored(document.content)
        document.status = DocumentStatus.SIGNED
        document.signed_at = moment
        document.signer = document.signer or actor
        set_history(document, actor, "signed")
        save_with_history(document, *([approved] if approved else []))
        _record_signature(
            document, certificate, block, role=SignatureRole.SIGNER, actor=actor, moment=moment
        )
        events.append(
            new_event(actor, EventAction.SIGNED, document=document, note=certificate.common_name)
        )
        Event.objects.bulk_create(events)
    return document


def _signature_page(document: Document, pdf: IncrementalPdfFileWriter) -> tuple[int, str]:
    """Page and position of the signer's block: the seal goes next to it."""
    signature = document.signatures.filter(role=SignatureRole.SIGNER).order_by("-signed_at").first()
    if signature is None:
        return signing.page_count(pdf) - 1, "bottom-right"
    return signature.page_index, signature.position


@transaction.atomic
def issue_document(
    actor: User,
    document: Document,
    *,
    password: str | None = None,
    otp: str | None = None,
    issue_date: date | None = None,
) -> Document:
    """The clerk issues a signed document: next number of the register, the organisation's
    seal as a second signature (name, number, Vietnam time), and delivery into the incoming
    register of every recipient unit. The clerk confirms with ``password`` or ``otp``.

    A document routed to an upper unit for signature (``signing_unit``) is issued by that
    unit: its clerk, its register and number, its seal; the paper stays the drafting unit's.
    """
    # Unlike sign_document, the seal is made inside the transaction, under the register's row
    # lock: it prints the number taken from the register, and taking a number and using it
    # must commit together, or the register would have a gap. So the wait for the timestamp
    # server is bounded tightly instead (SEAL_TSA_TIMEOUT); a server that does not answer in
    # time refuses the issue and the number is given back.
    require_role(actor, document.signing_unit or document.unit, CLERKS)
    document = lock_document(document)
    issuer = document.signing_unit or document.unit
    require_status(document, DocumentStatus.SIGNED)
    seal = usable_certificate(unit=issuer, kind=CertificateKind.SEAL)
    if seal is None:
        raise ValidationError(
            _(
                "The unit has no valid seal certificate (revoked or expired certificates cannot sign)."
            )
        )
    confirm_identity(actor, password=password, otp=otp)
    issue_date = issue_date or timezone.localdate()
    register, number = take_number(
        unit=issuer,
        direction=Direction.OUTGOING,
        year=issue_date.year,
        doc_type=document.doc_type,
        confidential=document.is_confidential,
    )
    document.register, document.number = register, number
    document.number_symbol = format_number_symbol(
        number, document.doc_type, issuer, document.department
    )
    document.issue_date = issue_date
    writer = signing.open_pdf(_read(document.content))
    # A paper made from the Decree 30 heading gets its number and date now, in the update the
    # seal signs (a form fill, which the signer's signature allows).
    header.fill_heading(writer, number_symbol=document.number_symbol, day=issue_date)
    page_ix, position = _signature_page(document, writer)
    moment = timezone.now()
    block = _Block(
        field_name=SEAL_FIELD,
        page_ix=page_ix,
        position=position,
        box=signing.seal_box(writer, page_ix, position),
        appearance=signing.seal_appearance(
            unit=issuer.name, number_symbol=document.number_symbol, moment=moment
        ),
        reason=_("Issued: %(number)s") % {"number": document.number_symbol},
        signer_name=issuer.name,
    )
    sealed = _apply(document, writer, seal, block, tsa_timeout=SEAL_TSA_TIMEOUT)
    with uploads.removed_on_failure() as stored:
        document.content.save("issued.pdf", ContentFile(sealed), save=False)
        stored(document.content)
        document.status = DocumentStatus.ISSUED
        document.issued_by, document.issued_at = actor, moment
        set_history(document, actor, "issued")
        document.save()
        _record_signature(
            document, seal, block, role=SignatureRole.SEAL, actor=actor, moment=moment
        )
        record_event(actor, EventAction.ISSUED, document=document, note=document.number_symbol)
        deliver(actor, document)
    return document
