"""Keys and certificates: the internal CA, certificates for officers and seals, PKCS#12 import.

Private keys are stored encrypted with AES-256-GCM under a key derived (HKDF-SHA256) from
``CONGDOAN_SIGNING_KEY_SECRET`` when set, else from ``SECRET_KEY``. Set the dedicated
variable in production: rotating ``SECRET_KEY`` must not make every signing key unreadable.
Keys are decrypted only in memory and never leave the server; a process keeps the signer
of a certificate it signed with (``signing._signer``, at most 32), whose key stays decrypted
there, next to the secret that decrypts every stored key.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings

KEY_FORMAT_VERSION = b"\x01"
_AAD = b"congdoan.documents.signing-key"
INTERNAL_CA_LABEL = "Internal CA – not a public certification authority"


def _master_key() -> bytes:
    secret = (
        os.environ.get("CONGDOAN_SIGNING_KEY_SECRET")
        or getattr(settings, "SIGNING_KEY_SECRET", "")
        or settings.SECRET_KEY
    )
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"congdoan-documents", info=_AAD).derive(
        secret.encode()
    )


def encrypt_private_key(key) -> bytes:
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    nonce = os.urandom(12)
    return KEY_FORMAT_VERSION + nonce + AESGCM(_master_key()).encrypt(nonce, der, _AAD)


def decrypt_private_key_der(blob: bytes) -> bytes:
    blob = bytes(blob)
    if blob[:1] != KEY_FORMAT_VERSION:
        raise ValueError("unknown key format")
    return AESGCM(_master_key()).decrypt(blob[1:13], blob[13:], _AAD)


def load_private_key(blob: bytes):
    return serialization.load_der_private_key(decrypt_private_key_der(blob), password=None)


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def der_fingerprint(der: bytes) -> str:
    return hashlib.sha256(bytes(der)).hexdigest()


def to_asn1(cert: x509.Certificate | bytes) -> asn1_x509.Certificate:
    der = (
        cert.public_bytes(serialization.Encoding.DER)
        if isinstance(cert, x509.Certificate)
        else bytes(cert)
    )
    return asn1_x509.Certificate.load(der)


def private_key_info(blob: bytes) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(decrypt_private_key_der(blob))


def _clip(value: str, limit: int) -> str:
    """At most ``limit`` UTF-8 bytes (X.509 limits count bytes), never cutting a character."""
    return value.encode("utf-8")[:limit].decode("utf-8", errors="ignore").strip()


def _name(common_name: str, organisation: str = "", unit_label: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:200]))
    if unit_label:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit_label[:200]))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, _clip(common_name, 64)))
    return x509.Name(attrs)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class IssuedCertificate:
    certificate: x509.Certificate
    key: object
    chain: list[x509.Certificate]


def create_ca(organisation: str, years: int = 10) -> IssuedCertificate:
    """A self-signed root for the organisation's internal CA, labelled as internal."""
    key = ec.generate_private_key(ec.SECP384R1())
    name = _name(f"CA nội bộ – {organisation}", organisation, INTERNAL_CA_LABEL)
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA384())
    )
    return IssuedCertificate(cert, key, [])


def issue_certificate(
    ca_cert: x509.Certificate,
    ca_key,
    *,
    common_name: str,
    organisation: str,
    unit_label: str = "",
    days: int = 730,
    not_before: datetime | None = None,
) -> IssuedCertificate:
    """A signing certificate (digital signature + non-repudiation) issued by the internal CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = not_before or (_now() - timedelta(minutes=5))
    end = min(start + timedelta(days=days), ca_cert.not_valid_after_utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation, unit_label))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA384())
    )
    return IssuedCertificate(cert, key, [ca_cert])


def read_pkcs12(data: bytes, password: str | None) -> IssuedCertificate:
    """Key, certificate and chain from a PKCS#12 file; ``ValueError`` when it cannot be read."""
    key, cert, extra = pkcs12.load_key_and_certificates(
        data, password.encode() if password else None
    )
    if key is None or cert is None:
        raise ValueError("the file holds no private key or no certificate")
    return IssuedCertificate(cert, key, list(extra or []))


def load_certificate(der: bytes) -> x509.Certificate:
    return x509.load_der_x509_certificate(bytes(der))


def load_any_certificate(data: bytes) -> x509.Certificate:
    """A certificate in PEM or DER."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def common_name(cert: x509.Certificate) -> str:
    attrs = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return attrs[0].value if attrs else cert.subject.rfc4514_string()


def chain_to_json(chain: list[x509.Certificate]) -> list[str]:
    return [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in chain]


def chain_from_json(items: list[str]) -> list[asn1_x509.Certificate]:
    return [asn1_x509.Certificate.load(base64.b64decode(item)) for item in items]
