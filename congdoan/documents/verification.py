"""Verification of signed PDFs: every signature, its chain, time, integrity and trust.

Used by the public page ``/verify/document``, ``POST /api/v1/documents/verify`` and
``congdoan verify-pdf FILE``; ``verify_by_code`` looks an issued document up by the code
printed on it. Trust anchors are the rows of :class:`TrustAnchor` (the
internal CA, and any imported root such as the national root CA).
"""

from __future__ import annotations

import io
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import ModificationLevel
from pyhanko_certvalidator import ValidationContext

from congdoan.common import uploads

from .choices import DocumentStatus
from .models import Document, SigningCertificate, TrustAnchor

log = logging.getLogger(__name__)

# pyHanko logs a validation failure (a file changed after signing) with its traceback at
# WARNING, which Python's last-resort handler prints on stderr when logging is not configured
# (a command). The report says it in one line; the detail goes to this module's log at DEBUG.
PYHANKO_LOGGERS = ("pyhanko", "pyhanko_certvalidator")


class _ToDebug(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        log.debug("%s: %s", record.name, record.getMessage(), exc_info=record.exc_info)


for _name in PYHANKO_LOGGERS:
    _logger = logging.getLogger(_name)
    if not any(isinstance(h, _ToDebug) for h in _logger.handlers):
        _logger.addHandler(_ToDebug())
    _logger.propagate = False


class Verdict(models.TextChoices):
    """The one-line answer of a verification, worst first when several apply."""

    NOT_VERIFIABLE = "not_verifiable", gettext_lazy("Not a signed PDF that can be checked")
    CHANGED = "changed", gettext_lazy("Changed after signing")
    NOT_TRUSTED = "not_trusted", gettext_lazy("Intact, but the signer is not trusted")
    VALID = "valid", gettext_lazy("Intact and trusted")


ACCEPTED_LEVELS = {
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
}
KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)


@dataclass
class CertificateInfo:
    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    fingerprint: str
    name: str = ""  # common name
    organisation: str = ""


@dataclass
class SignatureReport:
    field_name: str
    signer: str
    signer_subject: str
    signing_time: datetime | None
    chain: list[CertificateInfo]
    intact: bool
    valid: bool
    trusted: bool
    trust_anchor: str
    modified_after_signing: bool
    covers_whole_file: bool
    later_revisions: bool
    timestamped: bool
    revoked: bool = False
    revocation_note: str = ""
    ok: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """The signed bytes do not match, or the file was changed after this signature."""
        return not (self.intact and self.valid) or self.modified_after_signing


@dataclass
class PdfReport:
    signatures: list[SignatureReport]
    error: str = ""

    @property
    def all_ok(self) -> bool:
        return bool(self.signatures) and all(s.ok for s in self.signatures)

    @property
    def verdict(self) -> Verdict:
        """Changed (any signature altered, invalid or followed by other changes) outranks
        not trusted: a changed file is never called merely "not trusted"."""
        if self.error or not self.signatures:
            return Verdict.NOT_VERIFIABLE
        if any(s.changed for s in self.signatures):
            return Verdict.CHANGED
        if not self.all_ok:
            return Verdict.NOT_TRUSTED
        return Verdict.VALID

    @property
    def verdict_label(self) -> str:
        return str(self.verdict.label)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["all_ok"] = self.all_ok
        data["verdict"] = self.verdict.value
        data["verdict_label"] = self.verdict_label
        return data


def _cert_info(cert: asn1_x509.Certificate) -> CertificateInfo:
    return CertificateInfo(
        subject=cert.subject.human_friendly,
        issuer=cert.issuer.human_friendly,
        serial=format(cert.serial_number, "x"),
        not_before=cert["tbs_certificate"]["validity"]["not_before"].native,
        not_after=cert["tbs_certificate"]["validity"]["not_after"].native,
        fingerprint=cert.sha256.hex(),
        name=_common_name(cert),
        organisation=cert.subject.native.get("organization_name") or "",
    )


def _common_name(cert: asn1_x509.Certificate) -> str:
    native = cert.subject.native
    return native.get("common_name") or cert.subject.human_friendly


def trust_roots() -> list[asn1_x509.Certificate]:
    return [
        asn1_x509.Certificate.load(bytes(der))
        for der in TrustAnchor.objects.values_list("certificate_der", flat=True)
    ]


def _revocations(fingerprints: list[str]) -> dict[str, tuple[datetime, str]]:
    rows = SigningCertificate.objects.filter(fingerprint__in=fingerprints, revoked_at__isnull=False)
    return {r.fingerprint: (r.revoked_at, r.revocation_reason) for r in rows}


def verify_pdf(data: bytes, roots: list[asn1_x509.Certificate] | None = None) -> PdfReport:
    """Validate every signature of ``data``; never raises on a bad file (``error`` says why)."""
    if not data.lstrip()[:5].startswith(b"%PDF"):
        return PdfReport([], error=_("This is not a PDF file."))
    try:  # anyone may upload here: a page tree that loops is reported before a reader walks it
        uploads.check_pdf(data)
    except uploads.UploadRefused as exc:
        return PdfReport([], error=exc.message)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 - any parse failure is reported, not raised
        return PdfReport([], error=_("The PDF file could not be read."))
    if not embedded:
        return PdfReport([], error=_("The file has no digital signature."))
    roots = trust_roots() if roots is None else roots
    reports: list[SignatureReport] = []
    total = len(embedded)
    for index, sig in enumerate(embedded):
        context = ValidationContext(trust_roots=roots, allow_fetching=False, other_certs=[])
        problems: list[str] = []
        try:
            status = validate_pdf_signature(sig, context, key_usage_settings=KEY_USAGE)
        except Exception as exc:  # noqa: BLE001 - a malformed signature is reported as invalid
            log.info("signature %s could not be validated", sig.field_name, exc_info=True)
            reports.append(
                SignatureReport(
                    field_name=sig.field_name or "",
                    signer="",
                    signer_subject="",
                    signing_time=None,
                    chain=[],
                    intact=False,
                    valid=False,
                    trusted=False,
                    trust_anchor="",
                    modified_after_signing=True,
                    covers_whole_file=False,
                    later_revisions=index < total - 1,
                    timestamped=False,
                    problems=[
                        _("The signature could not be validated: %(error)s")
                        % {"error": exc.__class__.__name__}
                    ],
                )
            )
            continue
        cert = status.signing_cert
        path = (
            list(status.validation_path.iter_certs(include_root=True))
            if status.validation_path
            else []
        )
        chain = [_cert_info(c) for c in path] if path else [_cert_info(cert)]
        anchor = ""
        if status.trusted and status.validation_path:
            anchor_name = status.validation_path.trust_anchor.authority.name
            anchor = anchor_name.native.get("common_name") or anchor_name.human_friendly
        level = status.modification_level
        modified = (
            (not status.intact)
            or (level is not None and level not in ACCEPTED_LEVELS)
            or status.docmdp_ok is False
        )
        if not status.intact:
            problems.append(
                _("The signed content does not match the signature: the file was altered.")
            )
        elif modified:
            problems.append(_("The document was changed after this signature."))
        if not status.valid:
            problems.append(_("The cryptographic signature is invalid."))
        elif not status.trusted and not modified:
            # Trust is only worth saying of an intact signature: a changed file is changed.
            problems.append(_("The certificate does not chain to a trusted root."))
        signing_time = status.signer_reported_dt
        if status.timestamp_validity is not None:
            signing_time = status.timestamp_validity.timestamp
        reports.append(
            SignatureReport(
                field_name=sig.field_name or "",
                signer=_common_name(cert),
                signer_subject=cert.subject.human_friendly,
                signing_time=signing_time,
                chain=chain,
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                trust_anchor=anchor,
                modified_after_signing=bool(modified),
                covers_whole_file=str(status.coverage.name) == "ENTIRE_FILE"
                if status.coverage
                else False,
                later_revisions=index < total - 1,
                timestamped=status.timestamp_validity is not None,
                problems=problems,
            )
        )
    revoked = _revocations([r.chain[-1].fingerprint for r in reports if r.chain])
    for report in reports:
        if report.chain and report.chain[-1].fingerprint in revoked:
            revoked_at, reason = revoked[report.chain[-1].fingerprint]
            if report.signing_time is None or report.signing_time >= revoked_at:
                report.revoked = True
                report.problems.append(_("The certificate was revoked before this signature."))
            report.revocation_note = _("Certificate revoked on %(date)s. %(reason)s") % {
                "date": revoked_at.date().isoformat(),
                "reason": reason,
            }
        report.ok = (
            report.intact
            and report.valid
            and report.trusted
            and not report.modified_after_signing
            and not report.revoked
        )
    return PdfReport(reports)


def verify_by_code(code: str) -> tuple[Document | None, PdfReport | None]:
    """(document, report) for the code printed on a document; only issued documents are
    looked up, so a draft's code tells nothing. (None, None) when there is no such document."""
    document = (
        Document.objects.filter(code=code.strip().upper(), status=DocumentStatus.ISSUED)
        .select_related("unit", "doc_type")
        .first()
    )
    if document is None:
        return None, None
    with document.content.open("rb") as fh:
        return document, verify_pdf(fh.read())
