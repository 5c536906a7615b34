"""Reads of the paperless office, always through ``visible_to``: lists, filters, overdue items."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from congdoan.org.models import Unit
from congdoan.org.scoping import scope_q

from .choices import DocumentStatus, IncomingStatus
from .models import Document, DocumentType, IncomingEntry, Register, SigningCertificate


def visible_document(user, pk: int) -> Document:
    document = (
        Document.objects.visible_to(user)
        .select_related("unit", "doc_type", "signer", "register")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404("No such document in your scope.")
    return document


def visible_incoming(user, pk: int) -> IncomingEntry:
    entry = (
        IncomingEntry.objects.visible_to(user)
        .select_related("unit", "doc_type", "handler", "document", "register")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("No such incoming document in your scope.")
    return entry


def visible_register(user, pk: int) -> Register:
    register = (
        Register.objects.filter(scope_q(user, "unit__path"))
        .select_related("unit", "doc_type")
        .filter(pk=pk)
        .first()
    )
    if register is None:
        raise Http404("No such register in your scope.")
    return register


def visible_certificate(user, pk: int) -> SigningCertificate:
    cert = certificates_for(user).filter(pk=pk).first()
    if cert is None:
        raise Http404("No such certificate in your scope.")
    return cert


def certificates_for(user):
    """The user's own certificates and those of units in their scope."""
    return SigningCertificate.objects.filter(
        scope_q(user, "unit__path") | Q(user=user)
    ).select_related("unit", "user")


def _parse_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filter_documents(
    user,
    *,
    q: str = "",
    doc_type: str = "",
    status: str = "",
    date_from=None,
    date_to=None,
    unit: str = "",
):
    """Documents in scope matching the filters; ``q`` searches number/symbol and summary,
    accents optional."""
    qs = Document.objects.visible_to(user).select_related("unit", "doc_type", "signer")
    if q:
        qs = qs.search(q)
    if doc_type:
        qs = qs.filter(doc_type__code=doc_type)
    if status:
        qs = qs.filter(status=status)
    if unit:
        qs = qs.filter(unit__code=unit)
    start, end = _parse_date(date_from), _parse_date(date_to)
    if start:
        qs = qs.filter(
            Q(issue_date__gte=start) | Q(issue_date__isnull=True, created_at__date__gte=start)
        )
    if end:
        qs = qs.filter(
            Q(issue_date__lte=end) | Q(issue_date__isnull=True, created_at__date__lte=end)
        )
    return qs


def filter_incoming(
    user,
    *,
    q: str = "",
    status: str = "",
    channel: str = "",
    overdue: bool = False,
    handler=None,
    unit: str = "",
):
    qs = IncomingEntry.objects.visible_to(user).select_related("unit", "doc_type", "handler")
    if q:
        qs = qs.search(q)
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if overdue:
        qs = qs.overdue()
    if handler is not None:
        qs = qs.filter(handler=handler)
    if unit:
        qs = qs.filter(unit__code=unit)
    return qs


def overdue_for(user):
    """(mine, of my units): overdue incoming documents assigned to the user, and those in
    their scope assigned to someone else."""
    today = timezone.localdate()
    mine = (
        IncomingEntry.objects.filter(handler=user).overdue(today).select_related("unit", "doc_type")
    )
    units = (
        IncomingEntry.objects.visible_to(user)
        .overdue(today)
        .exclude(handler=user)
        .select_related("unit", "doc_type", "handler")
    )
    return mine, units


def registers_for(user, year: int | None = None):
    qs = Register.objects.filter(scope_q(user, "unit__path")).select_related("unit", "doc_type")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("unit__path", "-year", "direction", "confidential", "doc_type__order")


def register_entries(register: Register):
    if register.direction == "outgoing":
        return register.documents.select_related("doc_type", "signer").order_by("number")
    return register.incoming_entries.select_related("doc_type", "handler").order_by("number")


def workflow_counts(user) -> list[tuple[str, str, int]]:
    """(status, label, count) of the documents in scope, in workflow order."""
    rows = dict(
        Document.objects.visible_to(user).order_by().values_list("status").annotate(n=Count("pk"))
    )
    return [(value, label, rows.get(value, 0)) for value, label in DocumentStatus.choices]


def incoming_counts(user) -> list[tuple[str, str, int]]:
    rows = dict(
        IncomingEntry.objects.visible_to(user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return [(value, label, rows.get(value, 0)) for value, label in IncomingStatus.choices]


def document_types():
    return DocumentType.objects.filter(is_active=True)


def drafting_units(user, roles):
    return Unit.objects.visible_to(user, roles).active()
