"""Choices of the paperless office: statuses, urgency and confidentiality, signer prefixes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from congdoan.org.choices import Role


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    SIGNED = "signed", _("Signed")
    ISSUED = "issued", _("Issued")


class IncomingStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    HANDLED = "handled", _("Handled")


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing")
    INCOMING = "incoming", _("Incoming")


class Channel(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic")
    PAPER = "paper", _("Paper (scanned)")


class Urgency(models.TextChoices):
    # Decree 30/2020: Hỏa tốc, Thượng khẩn, Khẩn.
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    VERY_URGENT = "very_urgent", _("Very urgent")
    FLASH = "flash", _("Flash")


class Confidentiality(models.TextChoices):
    # Law on Protection of State Secrets: Mật, Tối mật, Tuyệt mật.
    NORMAL = "normal", _("Not confidential")
    CONFIDENTIAL = "confidential", _("Confidential")
    SECRET = "secret", _("Secret")
    TOP_SECRET = "top_secret", _("Top secret")


class SignerPrefix(models.TextChoices):
    NONE = "", _("(signing as head)")
    TM = "TM.", _("TM. – on behalf of the collective body")
    KT = "KT.", _("KT. – deputy signing for the head")
    Q = "Q.", _("Q. – acting")
    TL = "TL.", _("TL. – by order")
    TUQ = "TUQ.", _("TUQ. – by authorisation")


class ReviewDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Agreed")
    RETURNED = "returned", _("Returned for changes")


class CertificateKind(models.TextChoices):
    PERSONAL = "personal", _("Personal (signer)")
    SEAL = "seal", _("Organisation seal")


class CertificateSource(models.TextChoices):
    INTERNAL_CA = "internal_ca", _("Internal CA of the organisation")
    PKCS12 = "pkcs12", _("Imported PKCS#12 file")


class SignatureRole(models.TextChoices):
    SIGNER = "signer", _("Signer")
    SEAL = "seal", _("Organisation seal")


class EventAction(models.TextChoices):
    CREATED = "created", _("Created")
    REVISED = "revised", _("Revised")
    SUBMITTED = "submitted", _("Submitted for review")
    REVIEW_AGREED = "review_agreed", _("Reviewer agreed")
    REVIEW_RETURNED = "review_returned", _("Reviewer returned it")
    APPROVED = "approved", _("Approved")
    SIGNED = "signed", _("Signed")
    ISSUED = "issued", _("Issued with seal")
    DELIVERED = "delivered", _("Delivered")
    RECEIVED = "received", _("Received")
    REGISTERED_PAPER = "registered_paper", _("Paper document registered")
    ASSIGNED = "assigned", _("Assigned")
    HANDLED = "handled", _("Handled")


DRAFTERS = frozenset({Role.ADMINISTRATOR, Role.OFFICER})
HEADS = frozenset({Role.ADMINISTRATOR})
CLERKS = frozenset({Role.ADMINISTRATOR, Role.OFFICER})
CERTIFICATE_MANAGERS = frozenset({Role.ADMINISTRATOR})
