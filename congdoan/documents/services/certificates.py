"""Keys and certificates: the internal CA and its trust anchor, certificates it issues to
officers and seals, PKCS#12 imports from a certification authority, revocation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.org.choices import ALL_ROLES
from congdoan.org.models import Unit
from congdoan.org.paths import root_path
from congdoan.org.scoping import has_role_on
from congdoan.org.services import require_role

from .. import pki
from ..choices import CERTIFICATE_MANAGERS, CertificateKind, CertificateSource
from ..models import CertificateAuthority, SigningCertificate, TrustAnchor
from ..queries import internal_ca


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
    """Trust a root certificate (PEM or DER) for verification; adding it twice changes nothing."""
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
    actor: User,
    issued: pki.IssuedCertificate,
    *,
    kind: str,
    source: str,
    unit: Unit,
    user: User | None,
) -> SigningCertificate:
    cert = issued.certificate
    return SigningCertificate.objects.create(
        kind=kind,
        source=source,
        user=user if kind == CertificateKind.PERSONAL else None,
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


def _check_holder(kind: str, unit: Unit, user: User | None) -> None:
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
    actor: User, *, unit: Unit, kind: str, user: User | None = None, days: int = 730
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
    root = Unit.objects.filter(path=root_path(unit.path)).first() or unit
    issued = pki.issue_certificate(
        ca_cert,
        ca_key,
        common_name=common,
        organisation=root.name,
        unit_label=unit.name if kind == CertificateKind.PERSONAL else "",
        days=days,
    )
    return _store_certificate(
        actor, issued, kind=kind, source=CertificateSource.INTERNAL_CA, unit=unit, user=user
    )


@transaction.atomic
def import_pkcs12(
    actor: User,
    *,
    unit: Unit,
    kind: str,
    data: bytes,
    password: str = "",
    user: User | None = None,
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
        actor, issued, kind=kind, source=CertificateSource.PKCS12, unit=unit, user=user
    )


@transaction.atomic
def revoke_certificate(
    actor: User, certificate: SigningCertificate, reason: str
) -> SigningCertificate:
    """Revoke a certificate: it signs no more, and signatures made after ``revoked_at`` are
    reported revoked by verification."""
    require_role(actor, certificate.unit, CERTIFICATE_MANAGERS)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for revoking.")})
    certificate = SigningCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.revocation_reason = reason.strip()
        certificate.save(update_fields=["revoked_at", "revocation_reason"])
    return certificate
