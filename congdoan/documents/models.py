"""Official documents (Decree 30/2020 fields), registers, workflow, signing certificates.

A :class:`Document` is drafted by a unit, reviewed, approved, signed by a person and then
issued by the clerk, who takes the next number of the unit's outgoing :class:`Register` and
applies the organisation seal as a second signature. Issuing delivers it into the incoming
register of every recipient unit (:class:`IncomingEntry`), where it is assigned and handled.
Paper documents received are registered with a scan, so the online share stays honest.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congdoan.accounts.models import AnyUser
from congdoan.common.text import fold, normalize_text
from congdoan.org.models import Unit
from congdoan.org.scoping import UnitScopedQuerySet, scope_q

from . import pki
from .choices import (
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

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_public_code() -> str:
    """A hard-to-guess code printed on the document, used for public verification."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def document_upload_to(instance, filename: str) -> str:
    return f"documents/{timezone.now():%Y/%m}/{secrets.token_hex(8)}-{filename[-80:]}"


class DocumentType(models.Model):
    """A union document type (Decision 933/QĐ-TLĐ): data an administrator can correct."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(
        _("name in English"),
        max_length=100,
        blank=True,
        help_text=_("Shown in the English interface; the Vietnamese name when empty."),
    )
    abbreviation = models.CharField(
        _("abbreviation"),
        max_length=10,
        blank=True,
        help_text=_("Used in the symbol, e.g. QĐ. An official letter (công văn) has none."),
    )
    is_copy = models.BooleanField(_("copy form"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (the official Vietnamese one unless English)."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class RegisterQuerySet(UnitScopedQuerySet):
    """Registers: ``visible_to`` gives those of units in the user's scope."""


class Register(models.Model):
    """A register (sổ) of one unit and year: the counter row that numbers its entries.

    Outgoing registers are kept per document type; incoming ones have no type. Confidential
    documents have their own registers. ``next_number`` is only changed under a row lock.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="document_registers", verbose_name=_("unit")
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    doc_type = models.ForeignKey(
        DocumentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("document type"),
    )
    confidential = models.BooleanField(_("confidential register"), default=False)
    next_number = models.PositiveIntegerField(_("next number"), default=1)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("register")
        verbose_name_plural = _("registers")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "direction", "year", "doc_type", "confidential"],
                name="unique_typed_register",
                condition=Q(doc_type__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["unit", "direction", "year", "confidential"],
                name="unique_untyped_register",
                condition=Q(doc_type__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        parts = [str(self.get_direction_display()), str(self.year)]
        if self.doc_type_id:
            parts.append(str(self.doc_type))
        if self.confidential:
            parts.append(str(_("confidential")))
        return " · ".join(parts)

    @property
    def issued_count(self) -> int:
        return self.next_number - 1


class HeadingQuerySet(models.QuerySet):
    """Search over the heading that documents and incoming entries share."""

    def search(self, text: str) -> HeadingQuerySet:
        """Rows whose summary or number and symbol contain ``text``, accents and case ignored."""
        key = fold(text)
        if not key:
            return self
        return self.filter(Q(summary_folded__contains=key) | Q(number_symbol_folded__contains=key))


class FoldedHeading(models.Model):
    """A model with ``summary`` and ``number_symbol``, kept folded in ``*_folded`` for
    searching (each model declares the four fields itself)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.summary = normalize_text(self.summary)
        self.summary_folded = fold(self.summary)
        self.number_symbol_folded = fold(self.number_symbol)
        super().save(*args, **kwargs)


class DocumentQuerySet(HeadingQuerySet):
    def visible_to(self, user: AnyUser) -> DocumentQuerySet:
        """Documents of units in scope, and documents delivered to units in scope."""
        delivered = IncomingEntry.objects.filter(document=OuterRef("pk")).filter(
            scope_q(user, "unit__path")
        )
        return self.filter(scope_q(user, "unit__path") | Q(Exists(delivered)))


class Document(FoldedHeading):
    """An official document issued by a unit, with the fields of Decree 30/2020/NĐ-CP."""

    code = models.CharField(
        _("verification code"), max_length=16, unique=True, default=new_public_code, editable=False
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=pgettext_lazy("documents", "issuing unit"),
    )
    doc_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, verbose_name=_("document type")
    )
    department = models.CharField(
        _("drafting department"),
        max_length=16,
        blank=True,
        help_text=_(
            "Abbreviation after the unit in an official letter's symbol, e.g. TC in 12/LĐLĐ-TC."
        ),
    )
    register = models.ForeignKey(
        Register,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("register"),
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    number_symbol = models.CharField(_("number and symbol"), max_length=64, blank=True)
    number_symbol_folded = models.CharField(
        max_length=64, blank=True, editable=False, db_index=True
    )
    issue_date = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    summary = models.CharField(_("summary"), max_length=500)
    summary_folded = models.CharField(max_length=500, editable=False, db_index=True)
    content = models.FileField(_("content (PDF)"), upload_to=document_upload_to, max_length=200)
    original = models.FileField(
        _("unsigned original"), upload_to=document_upload_to, max_length=200, blank=True
    )
    source = models.FileField(
        _("uploaded source"), upload_to=document_upload_to, max_length=200, blank=True
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents_to_sign",
        verbose_name=_("signer"),
    )
    signing_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents_routed_for_signature",
        verbose_name=_("signing unit"),
        help_text=_(
            "An upper unit whose officer signs and whose register numbers the document; "
            "empty: the drafting unit signs and issues."
        ),
    )
    signer_prefix = models.CharField(
        _("signer prefix"), max_length=5, choices=SignerPrefix.choices, blank=True
    )
    signer_position = models.CharField(_("signer position"), max_length=100, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.NORMAL,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel.choices, default=Channel.ELECTRONIC
    )
    recipients_text = models.CharField(_("other recipients"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["summary_folded", "number_symbol_folded"])
    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="unique_document_number"),
        ]
        indexes = [models.Index(fields=["status", "issue_date"])]

    def __str__(self) -> str:
        return f"{self.number_symbol or _('(no number)')} – {self.summary[:60]}"

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality != Confidentiality.NORMAL

    @property
    def file_name(self) -> str:
        """The name its PDF is downloaded under: the symbol, or ``du-thao-<id>`` for a draft."""
        return (self.number_symbol or f"du-thao-{self.pk}").replace("/", "_") + ".pdf"

    @property
    def is_issued(self) -> bool:
        return self.status == DocumentStatus.ISSUED


class Recipient(models.Model):
    """Where a document goes: a unit (delivered into its incoming register) or a person."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="recipients")
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(user__isnull=False),
                name="recipient_unit_or_user",
            ),
        ]

    def __str__(self) -> str:
        return str(self.unit or self.user)


class Attachment(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    round = models.PositiveSmallIntegerField(default=1)
    decision = models.CharField(
        _("decision"), max_length=10, choices=ReviewDecision.choices, default=ReviewDecision.PENDING
    )
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["round", "pk"]

    def __str__(self) -> str:
        return f"{self.reviewer} · {self.get_decision_display()}"


class IncomingEntryQuerySet(HeadingQuerySet):
    def visible_to(self, user: AnyUser) -> IncomingEntryQuerySet:
        """Entries of the incoming registers of units in ``user``'s scope."""
        return self.filter(scope_q(user, "unit__path"))

    def overdue(self, today: date | None = None) -> IncomingEntryQuerySet:
        today = today or timezone.localdate()
        return self.filter(status=IncomingStatus.ASSIGNED, deadline__lt=today)


class IncomingEntry(FoldedHeading):
    """One entry of a unit's incoming register: a delivered document or a scanned paper one."""

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="incoming_documents",
        verbose_name=_("receiving unit"),
    )
    register = models.ForeignKey(
        Register,
        on_delete=models.PROTECT,
        related_name="incoming_entries",
        verbose_name=_("register"),
    )
    number = models.PositiveIntegerField(_("incoming number"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    # For paper documents (and a copy of the delivered document's heading, for searching).
    sender = models.CharField(_("sender"), max_length=255)
    number_symbol = models.CharField(_("number and symbol"), max_length=64, blank=True)
    number_symbol_folded = models.CharField(
        max_length=64, blank=True, editable=False, db_index=True
    )
    doc_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, verbose_name=_("document type")
    )
    document_date = models.DateField(_("document date"), null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=500)
    summary_folded = models.CharField(max_length=500, editable=False, db_index=True)
    scan = models.FileField(
        _("scan (PDF)"), upload_to=document_upload_to, max_length=200, blank=True
    )
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.NORMAL,
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=IncomingStatus.choices, default=IncomingStatus.RECEIVED
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_documents",
        verbose_name=_("handler"),
    )
    deadline = models.DateField(pgettext_lazy("documents", "deadline"), null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handling_note = models.TextField(_("handling note"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["summary_folded", "number_symbol_folded"])
    objects = IncomingEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="unique_incoming_number"),
            models.UniqueConstraint(
                fields=["unit", "document"],
                name="unique_delivery",
                condition=Q(document__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.number:02d} · {self.number_symbol or self.summary[:40]}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == IncomingStatus.ASSIGNED
            and self.deadline is not None
            and self.deadline < timezone.localdate()
        )


class Event(models.Model):
    """One step of the workflow: who did what and when."""

    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    incoming = models.ForeignKey(
        IncomingEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20, choices=EventAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("documents", "by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"


class CertificateAuthority(models.Model):
    """The organisation's own (internal) certification authority, created by ``congdoan ca init``."""

    name = models.CharField(_("name"), max_length=255)
    certificate_der = models.BinaryField()
    encrypted_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    not_after = models.DateTimeField()

    class Meta:
        verbose_name = _("internal certification authority")
        verbose_name_plural = _("internal certification authorities")

    def __str__(self) -> str:
        return self.name


class TrustAnchor(models.Model):
    """A root certificate that verification trusts: the internal CA, or an imported root."""

    name = models.CharField(_("name"), max_length=255)
    certificate_der = models.BinaryField()
    fingerprint = models.CharField(max_length=64, unique=True)
    is_internal = models.BooleanField(_("internal CA"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trust anchor")
        verbose_name_plural = _("trust anchors")

    def __str__(self) -> str:
        return self.name


class SigningCertificateQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> SigningCertificateQuerySet:
        """The user's own certificates and those of units in their scope."""
        own = Q(user=user) if getattr(user, "pk", None) else Q(pk__in=[])
        return self.filter(scope_q(user, "unit__path") | own)

    def usable(self, at: datetime | None = None) -> SigningCertificateQuerySet:
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, not_before__lte=at, not_after__gt=at)


class SigningCertificate(models.Model):
    """A key pair and X.509 certificate of a signer, or of a unit's seal. The key never leaves."""

    kind = models.CharField(_("kind"), max_length=10, choices=CertificateKind.choices)
    source = models.CharField(_("source"), max_length=12, choices=CertificateSource.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_certificates",
        verbose_name=pgettext_lazy("documents", "holder"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="signing_certificates", verbose_name=_("unit")
    )
    subject = models.CharField(_("subject"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=500)
    serial = models.CharField(_("serial number"), max_length=80)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    not_before = models.DateTimeField(pgettext_lazy("documents", "valid from"))
    not_after = models.DateTimeField(_("valid until"))
    certificate_der = models.BinaryField()
    chain_der = models.JSONField(default=list, help_text="base64 DER of the issuing chain")
    encrypted_key = models.BinaryField()
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SigningCertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and self.not_before <= now < self.not_after

    @cached_property
    def common_name(self) -> str:
        """The holder's name as the certificate gives it (CN), for display."""
        try:
            return (
                pki.common_name(pki.load_certificate(bytes(self.certificate_der))) or self.subject
            )
        except ValueError:
            return self.subject


class DocumentSignature(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="signatures")
    certificate = models.ForeignKey(
        SigningCertificate, on_delete=models.PROTECT, related_name="signatures"
    )
    role = models.CharField(_("role"), max_length=10, choices=SignatureRole.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))
    field_name = models.CharField(max_length=64)
    page_index = models.PositiveSmallIntegerField(default=0)
    position = models.CharField(max_length=16, default="bottom-right")
    timestamped = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("document signature")
        verbose_name_plural = _("document signatures")
        ordering = ["signed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.signed_at:%Y-%m-%d %H:%M}"
