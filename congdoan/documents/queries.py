"""Reads of the paperless office, always through ``visible_to``: the object of a URL or the
common 404, lists and filters, overdue items, who may review, sign or receive, certificates.

Views and the API look objects up here (``visible_document``, ``visible_incoming``,
``visible_register``, ``visible_certificate``, ``visible_attachment``), so a missing and an
out-of-scope object get the same translated 404 (``common.errors.visible_or_404``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.accounts.models import AnyUser, User
from congdoan.common.errors import visible_or_404
from congdoan.org.hooks import Waiting
from congdoan.org.models import RoleAssignment, Unit
from congdoan.org.paths import ancestor_paths
from congdoan.org.scoping import has_role_on, scope_paths

from .choices import DRAFTERS, HEADS, Direction, DocumentStatus, IncomingStatus, ReviewDecision
from .models import (
    Attachment,
    CertificateAuthority,
    Document,
    DocumentType,
    IncomingEntry,
    Register,
    Review,
    SigningCertificate,
)

# --- the object of a URL, or 404 ------------------------------------------------------


def visible_document(user: AnyUser, pk: int) -> Document:
    return visible_or_404(
        Document.objects.visible_to(user).select_related(
            "unit", "doc_type", "signer", "signing_unit", "register"
        ),
        pk=pk,
    )


def visible_attachment(document: Document, pk: int) -> Attachment:
    """An attachment of ``document`` (a document already found visible)."""
    return visible_or_404(document.attachments.all(), pk=pk)


def visible_incoming(user: AnyUser, pk: int) -> IncomingEntry:
    return visible_or_404(
        IncomingEntry.objects.visible_to(user).select_related(
            "unit", "doc_type", "handler", "document", "register"
        ),
        pk=pk,
    )


def visible_register(user: AnyUser, pk: int) -> Register:
    return visible_or_404(
        Register.objects.visible_to(user).select_related("unit", "doc_type"), pk=pk
    )


def visible_certificate(user: AnyUser, pk: int) -> SigningCertificate:
    return visible_or_404(certificates_for(user), pk=pk)


def is_visible_document(user: AnyUser, pk: int | None) -> bool:
    return bool(pk) and Document.objects.visible_to(user).filter(pk=pk).exists()


# --- lists ----------------------------------------------------------------------------


def certificates_for(user: AnyUser) -> QuerySet[SigningCertificate]:
    """The user's own certificates and those of units in their scope."""
    return SigningCertificate.objects.visible_to(user).select_related("unit", "user")


def _parse_date(value: date | str | None) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _search(qs: QuerySet, *, q: str, status: str, unit: str) -> QuerySet:
    """The filters documents and incoming entries share: text, status, unit code."""
    if q:
        qs = qs.search(q)
    if status:
        qs = qs.filter(status=status)
    if unit:
        qs = qs.filter(unit__code=unit)
    return qs


def filter_documents(
    user: AnyUser,
    *,
    q: str = "",
    doc_type: str = "",
    status: str = "",
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    unit: str = "",
    to_sign: bool = False,
) -> QuerySet[Document]:
    """Documents in scope matching the filters; ``q`` searches number/symbol and summary,
    accents optional; ``to_sign``: only those waiting for the user's signature."""
    qs = Document.objects.visible_to(user).select_related(
        "unit", "doc_type", "signer", "signing_unit"
    )
    qs = _search(qs, q=q, status=status, unit=unit)
    if to_sign:
        qs = qs.filter(awaiting_signature_q(user))
    if doc_type:
        qs = qs.filter(doc_type__code=doc_type)
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


def awaiting_signature_q(user: AnyUser) -> Q:
    """Approved documents the user is to sign: as their named signer, or, with no signer
    named, as a head of the unit that signs (the upper unit a paper is routed to, else the
    drafting unit)."""
    unnamed = Q(signer__isnull=True) & (
        Q(signing_unit__isnull=True, unit__in=Unit.objects.visible_to(user, HEADS))
        | Q(signing_unit__in=Unit.objects.visible_to(user, HEADS))
    )
    named = Q(signer=user) if getattr(user, "pk", None) else Q(pk__in=[])
    return Q(status=DocumentStatus.APPROVED) & (named | unnamed)


def filter_incoming(
    user: AnyUser,
    *,
    q: str = "",
    status: str = "",
    channel: str = "",
    overdue: bool = False,
    handler: User | None = None,
    unit: str = "",
) -> QuerySet[IncomingEntry]:
    qs = IncomingEntry.objects.visible_to(user).select_related("unit", "doc_type", "handler")
    qs = _search(qs, q=q, status=status, unit=unit)
    if channel:
        qs = qs.filter(channel=channel)
    if overdue:
        qs = qs.overdue()
    if handler is not None:
        qs = qs.filter(handler=handler)
    return qs


def waiting_for(user: AnyUser) -> list[Waiting]:
    """The home page's documents items (``org.hooks.waiting_counters``): papers the user is
    to review or sign, and overdue incoming papers assigned to them or in their units."""
    if not user.is_authenticated:
        return []
    to_review = (
        Review.objects.filter(
            reviewer=user,
            decision=ReviewDecision.PENDING,
            document__status=DocumentStatus.IN_REVIEW,
        )
        .values("document")
        .distinct()
        .count()
    )
    to_sign = Document.objects.visible_to(user).filter(awaiting_signature_q(user)).count()
    overdue = IncomingEntry.objects.visible_to(user).overdue().count()
    listing = reverse("documents:list")
    return [
        Waiting(
            _("Overdue incoming papers"),
            overdue,
            reverse("documents:overdue"),
            icon="alarm",
            urgent=True,
        ),
        Waiting(_("Papers waiting for my signature"), to_sign, f"{listing}?to_sign=on", icon="pen"),
        Waiting(
            _("Papers to review"),
            to_review,
            f"{listing}?status={DocumentStatus.IN_REVIEW}",
            icon="chat-square-text",
        ),
    ]


def overdue_for(user: User) -> tuple[QuerySet[IncomingEntry], QuerySet[IncomingEntry]]:
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


def registers_for(user: AnyUser, year: int | None = None) -> QuerySet[Register]:
    qs = Register.objects.visible_to(user).select_related("unit", "doc_type")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("unit__path", "-year", "direction", "confidential", "doc_type__order")


def register_entries(register: Register) -> QuerySet:
    if register.direction == Direction.OUTGOING:
        return register.documents.select_related("doc_type", "signer").order_by("number")
    return register.incoming_entries.select_related("doc_type", "handler").order_by("number")


def _counts_by_status(qs: QuerySet, choices: list[tuple[str, str]]) -> list[tuple[str, str, int]]:
    rows = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, rows.get(value, 0)) for value, label in choices]


def workflow_counts(user: AnyUser) -> list[tuple[str, str, int]]:
    """(status, label, count) of the documents in scope, in workflow order."""
    return _counts_by_status(Document.objects.visible_to(user), DocumentStatus.choices)


def incoming_counts(user: AnyUser) -> list[tuple[str, str, int]]:
    return _counts_by_status(IncomingEntry.objects.visible_to(user), IncomingStatus.choices)


def document_types() -> QuerySet[DocumentType]:
    return DocumentType.objects.filter(is_active=True)


def drafting_units(user: AnyUser, roles: Iterable[str]) -> QuerySet[Unit]:
    return Unit.objects.visible_to(user, roles).active()


# --- the workflow's questions -----------------------------------------------------------


def current_round(document: Document) -> int:
    """The review round under way (0 before the first submission)."""
    return document.reviews.order_by("-round").values_list("round", flat=True).first() or 0


def pending_reviews(document: Document) -> QuerySet[Review]:
    """Reviews of the current round not answered yet."""
    return document.reviews.filter(round=current_round(document), decision=ReviewDecision.PENDING)


def can_sign(user: User, document: Document) -> bool:
    """The named signer, or, when no signer is named, a head of the unit that signs (the
    upper unit the document is routed to, else the drafting unit)."""
    if document.signer_id:
        return document.signer_id == user.pk
    return has_role_on(user, document.signing_unit or document.unit, HEADS)


def signer_unit(user: User, document: Document) -> Unit:
    """The unit a signer signs for, named on their block: the unit the document is routed to
    for signature when it is, else the nearest unit at or above the drafting unit on which
    the signer holds a role (a federation chair signing a grassroots paper signs for the
    federation, not for the grassroots union)."""
    target = document.signing_unit or document.unit
    if document.signing_unit_id or target.path in (scope_paths(user) or ()):
        return target  # routed, or a role on the unit itself (cached scope): no query
    paths = ancestor_paths(target.path, include_self=True)
    assignment = (
        RoleAssignment.objects.filter(user=user, unit__path__in=paths)
        .select_related("unit")
        .order_by("-unit__depth")
        .first()
    )
    return target if assignment is None else assignment.unit


def upper_units(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """Active units above any of ``units``: where a paper may be sent for signature."""
    paths = {p for path in units.values_list("path", flat=True) for p in ancestor_paths(path)}
    return Unit.objects.active().filter(path__in=paths)


def possible_signers(units: QuerySet[Unit]) -> QuerySet[User]:
    """Who may be named signer of a paper drafted in ``units``: anyone with a role there, and
    the heads and drafters of the units above (the paper is then routed up for signature)."""
    return (
        get_user_model()
        .objects.filter(
            Q(role_assignments__unit__in=units)
            | Q(
                role_assignments__unit__in=upper_units(units),
                role_assignments__role__in=HEADS | DRAFTERS,
            ),
            is_active=True,
        )
        .distinct()
    )


def users_on(unit: Unit) -> QuerySet[User]:
    """Users holding a role on ``unit`` or above it (handlers, reviewers, signers)."""
    return (
        get_user_model()
        .objects.filter(
            role_assignments__unit__path__in=ancestor_paths(unit.path, include_self=True),
            is_active=True,
        )
        .distinct()
    )


def allowed_recipient_units(actor: User, unit: Unit) -> QuerySet[Unit]:
    """Units a document of ``unit`` may be sent to: its ancestors, and units the actor sees."""
    return Unit.objects.active().filter(
        Q(path__in=ancestor_paths(unit.path))
        | Q(pk__in=Unit.objects.visible_to(actor).values("pk"))
    )


# --- certificates -----------------------------------------------------------------------


def internal_ca() -> CertificateAuthority | None:
    return CertificateAuthority.objects.order_by("-created_at").first()


def usable_certificate(
    *, kind: str, user: User | None = None, unit: Unit | None = None
) -> SigningCertificate | None:
    """The longest-valid usable certificate of ``kind`` held by ``user`` (else ``unit``)."""
    qs = SigningCertificate.objects.usable().filter(kind=kind)
    qs = qs.filter(user=user) if user is not None else qs.filter(unit=unit)
    return qs.order_by("-not_after").first()
