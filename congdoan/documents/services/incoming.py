"""Routing and the incoming register: an issued document delivered into each recipient
unit's register, paper documents registered with their scan, assignment to a handler with a
deadline, and handling."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from congdoan.accounts.models import User
from congdoan.common.errors import NotAllowed
from congdoan.org.choices import ALL_ROLES
from congdoan.org.models import Unit
from congdoan.org.scoping import has_role_on
from congdoan.org.services import require_role

from ..choices import (
    CLERKS,
    Channel,
    Confidentiality,
    Direction,
    EventAction,
    IncomingStatus,
    Urgency,
)
from ..models import Document, DocumentType, IncomingEntry
from .files import Upload, pdf_content
from .journal import record_event, set_history
from .numbering import take_number


def default_deadline(days: int = 7) -> date:
    return timezone.localdate() + timedelta(days=days)


def _new_entry(
    actor: User, unit: Unit, *, channel: str, confidential: bool, **heading
) -> IncomingEntry:
    """An entry of ``unit``'s incoming register, numbered (inside the caller's transaction)."""
    register, number = take_number(
        unit=unit,
        direction=Direction.INCOMING,
        year=timezone.localdate().year,
        doc_type=None,
        confidential=confidential,
    )
    return IncomingEntry(
        unit=unit,
        register=register,
        number=number,
        channel=channel,
        registered_by=actor,
        **heading,
    )


def deliver(actor: User, document: Document) -> list[IncomingEntry]:
    """Put an issued document into the incoming register of each recipient unit
    (inside the caller's transaction: ``issue_document``)."""
    entries = []
    for recipient in document.recipients.filter(unit__isnull=False).select_related("unit"):
        unit = recipient.unit
        if IncomingEntry.objects.filter(unit=unit, document=document).exists():
            continue
        entry = _new_entry(
            actor,
            unit,
            channel=Channel.ELECTRONIC,
            confidential=document.is_confidential,
            document=document,
            sender=document.unit.name,
            number_symbol=document.number_symbol,
            doc_type=document.doc_type,
            document_date=document.issue_date,
            summary=document.summary,
            urgency=document.urgency,
            confidentiality=document.confidentiality,
        )
        set_history(entry, actor, "delivered")
        entry.save()
        record_event(actor, EventAction.RECEIVED, incoming=entry, note=document.number_symbol)
        entries.append(entry)
    if entries:
        record_event(
            actor,
            EventAction.DELIVERED,
            document=document,
            note=", ".join(e.unit.name for e in entries),
        )
    return entries


@transaction.atomic
def register_paper_document(
    actor: User,
    unit: Unit,
    *,
    sender: str,
    doc_type: DocumentType,
    summary: str,
    scan: Upload | None,
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
    entry = _new_entry(
        actor,
        unit,
        channel=Channel.PAPER,
        confidential=confidentiality != Confidentiality.NORMAL,
        sender=sender.strip(),
        number_symbol=number_symbol.strip(),
        doc_type=doc_type,
        document_date=document_date,
        summary=summary,
        urgency=urgency,
        confidentiality=confidentiality,
    )
    entry.scan.save("scan.pdf", ContentFile(pdf), save=False)
    set_history(entry, actor, "registered")
    entry.save()
    record_event(actor, EventAction.REGISTERED_PAPER, incoming=entry)
    return entry


def _locked_entry(entry: IncomingEntry) -> IncomingEntry:
    return IncomingEntry.objects.select_for_update().select_related("unit").get(pk=entry.pk)


@transaction.atomic
def assign_incoming(
    actor: User,
    entry: IncomingEntry,
    *,
    handler: User | None,
    deadline: date | None,
    note: str = "",
) -> IncomingEntry:
    """A clerk of the receiving unit gives the entry to a handler, with a deadline."""
    require_role(actor, entry.unit, CLERKS)
    entry = _locked_entry(entry)
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
    set_history(entry, actor, "assigned")
    entry.save()
    record_event(
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
def mark_handled(actor: User, entry: IncomingEntry, note: str = "") -> IncomingEntry:
    """The handler (or a clerk of the unit) closes the entry with what was done."""
    require_role(actor, entry.unit, ALL_ROLES)
    entry = _locked_entry(entry)
    if entry.handler_id != actor.pk and not has_role_on(actor, entry.unit, CLERKS):
        raise NotAllowed(_("Only the handler or a clerk of the unit can close this document."))
    if entry.status == IncomingStatus.HANDLED:
        raise ValidationError(_("This document has already been handled."))
    entry.status = IncomingStatus.HANDLED
    entry.handled_at = timezone.now()
    entry.handling_note = note.strip()
    set_history(entry, actor, "handled")
    entry.save()
    record_event(actor, EventAction.HANDLED, incoming=entry, note=note)
    return entry
