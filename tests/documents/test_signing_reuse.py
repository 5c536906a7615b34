"""What signing keeps from one signature to the next (issue 14): the signer per certificate
(key decrypted and parsed once), the space pyHanko sized for its signature, the unsigned
original as the draft's own file, the signer's unit from the cached scope. Every check
still runs at every signature, and every signature validates."""

import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from congdoan.documents import pki, services, signing
from congdoan.documents.choices import CertificateKind, DocumentStatus
from congdoan.documents.queries import internal_ca, signer_unit
from congdoan.documents.verification import trust_roots, verify_pdf
from congdoan.org.choices import Role
from tests.conftest import PASSWORD, make_user

from .conftest import draft, sample_pdf

PDFSIG = shutil.which("pdfsig")


@pytest.fixture(autouse=True)
def fresh_signers():
    signing.forget_signers()
    yield
    signing.forget_signers()


def _content(doc) -> bytes:
    doc.refresh_from_db()
    with doc.content.open("rb") as fh:
        return fh.read()


def _valid_in_pyhanko(data: bytes) -> None:
    signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert signatures
    for sig in signatures:
        status = validate_pdf_signature(
            sig, ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
        )
        assert status.bottom_line, status.pretty_print_details()


def _gap(data: bytes) -> int:
    return signing._reserved_in(data)


def _rsa_pkcs12(holder: str, organisation: str) -> bytes:
    """An RSA-2048 key with a certificate of the internal CA, as a CA's PKCS#12 file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import NoEncryption, pkcs12

    ca = internal_ca()
    ca_cert = pki.load_certificate(bytes(ca.certificate_der))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = pki._now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(pki._name(holder, organisation))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365))
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
        .sign(pki.load_private_key(bytes(ca.encrypted_key)), hashes.SHA384())
    )
    return pkcs12.serialize_key_and_certificates(b"k", key, cert, [ca_cert], NoEncryption())


def test_the_signer_is_made_once_and_the_signature_sized_once(
    tree, admin_user, doc_type, pki_ready
):
    first, second = (draft(admin_user, tree.prov, doc_type) for _ in range(2))
    services.sign_document(admin_user, first, password=PASSWORD)
    services.sign_document(admin_user, second, password=PASSWORD)
    info = signing._signer.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    signer = services.key_material(pki_ready["admin"]).signer()
    one, two = _content(first), _content(second)
    # pyHanko sized the first signature; the second got the same space without a dummy.
    assert signer.reserved and _gap(one) == _gap(two) == signer.reserved
    for data in (one, two):
        _valid_in_pyhanko(data)
        assert verify_pdf(data).all_ok


def test_a_re_issued_key_gets_a_new_signer(tree, admin_user, doc_type, pki_ready):
    services.sign_document(admin_user, draft(admin_user, tree.prov, doc_type), password=PASSWORD)
    services.revoke_certificate(admin_user, pki_ready["admin"], "Thay khoá")
    system = type(
        "System",
        (),
        {"is_superuser": True, "is_authenticated": True, "is_active": True, "pk": None},
    )()
    services.issue_internal_certificate(
        system, unit=tree.prov, kind=CertificateKind.PERSONAL, user=admin_user
    )
    doc = draft(admin_user, tree.prov, doc_type)
    services.sign_document(admin_user, doc, password=PASSWORD)
    assert signing._signer.cache_info().misses == 2
    report = verify_pdf(_content(doc))
    assert report.all_ok and doc.signatures.get().certificate != pki_ready["admin"]


def test_a_certificate_revoked_after_a_signature_signs_no_more(
    tree, admin_user, doc_type, pki_ready
):
    services.sign_document(admin_user, draft(admin_user, tree.prov, doc_type), password=PASSWORD)
    services.revoke_certificate(admin_user, pki_ready["admin"], "Lộ khoá")  # signer cached
    doc = draft(admin_user, tree.prov, doc_type)
    with pytest.raises(ValidationError, match="chứng thư|certificate"):
        services.sign_document(admin_user, doc, password=PASSWORD)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.DRAFT and not doc.signatures.exists()


def test_rsa_keys_from_pkcs12_sign_and_validate(tree, admin_user, doc_type, pki_ready, tmp_path):
    head = make_user("rsa_head", tree.zone, Role.ADMINISTRATOR, full_name="Trần Văn Đức")
    services.import_pkcs12(
        head,
        unit=tree.zone,
        kind=CertificateKind.PERSONAL,
        data=_rsa_pkcs12("Trần Văn Đức", tree.prov.name),
        password="",
        user=head,
    )
    docs = [draft(head, tree.zone, doc_type, file=("qd.pdf", sample_pdf(2))) for _ in range(2)]
    for doc in docs:
        services.sign_document(head, doc, password=PASSWORD)
    for doc in docs:
        data = _content(doc)
        _valid_in_pyhanko(data)
        assert verify_pdf(data).all_ok
    if PDFSIG is not None:
        path = tmp_path / "rsa.pdf"
        path.write_bytes(data)
        out = subprocess.run([PDFSIG, str(path)], capture_output=True, text=True, timeout=60)
        assert "Signature is Valid." in out.stdout, out.stdout


def test_the_original_is_the_drafts_own_file(tree, admin_user, doc_type, pki_ready, media_root):
    doc = draft(admin_user, tree.prov, doc_type)
    draft_name = doc.content.name
    files_before = {p for p in media_root.rglob("*") if p.is_file()}
    services.sign_document(admin_user, doc, password=PASSWORD)
    doc.refresh_from_db()
    assert doc.original.name == draft_name and doc.content.name != draft_name
    with doc.original.open("rb") as fh:
        assert fh.read() == sample_pdf()
    added = {p for p in media_root.rglob("*") if p.is_file()} - files_before
    assert [p.name for p in added] == [doc.content.name.rsplit("/", 1)[1]]  # the signed file


def test_the_signers_unit_comes_from_the_cached_scope(tree, admin_user, zone_admin, doc_type):
    prov_doc = draft(admin_user, tree.prov, doc_type)
    zone_doc = draft(zone_admin, tree.zone, doc_type)
    grassroots_doc = draft(admin_user, tree.gr_a1, doc_type)
    with CaptureQueriesContext(connection) as queries:
        assert signer_unit(admin_user, prov_doc) == tree.prov
        assert signer_unit(zone_admin, zone_doc) == tree.zone
    assert not queries.captured_queries
    # A federation chair signing a grassroots paper signs for the federation.
    assert signer_unit(admin_user, grassroots_doc) == tree.prov
    assert signer_unit(zone_admin, grassroots_doc) == tree.zone


def test_a_head_signing_a_draft_leaves_the_approval_and_the_signature_in_the_records(
    tree, admin_user, doc_type, pki_ready
):
    doc = draft(admin_user, tree.prov, doc_type)
    draft_name = doc.content.name
    with CaptureQueriesContext(connection) as queries:
        services.sign_document(admin_user, doc, password=PASSWORD)
    doc.refresh_from_db()
    approved, signed = doc.history.order_by("history_id")[1:]  # after "created"
    assert (approved.history_change_reason, signed.history_change_reason) == ("approved", "signed")
    assert approved.history_type == signed.history_type == "~"
    assert approved.history_user == signed.history_user == admin_user
    assert approved.status == DocumentStatus.APPROVED and signed.status == DocumentStatus.SIGNED
    assert approved.approved_by_id == signed.approved_by_id == admin_user.pk
    # Each record is the document as it was: the draft's file, then the signed one.
    assert (approved.content, approved.original) == (draft_name, "")
    assert (signed.content, signed.original) == (doc.content.name, draft_name)
    assert approved.signed_at is None and signed.signed_at == doc.signed_at
    assert approved.history_date <= signed.history_date
    assert approved.updated_at == doc.approved_at <= signed.updated_at == doc.updated_at
    events = list(doc.events.values_list("action", "actor_id"))
    assert events[-2:] == [("approved", admin_user.pk), ("signed", admin_user.pk)]
    writes = [q["sql"].split()[0] for q in queries.captured_queries]
    assert writes.count("UPDATE") == 1, writes  # one UPDATE of the document for both steps
    assert verify_pdf(_content(doc)).all_ok


def test_signing_an_approved_document_writes_one_record(tree, admin_user, doc_type, pki_ready):
    doc = draft(admin_user, tree.prov, doc_type)
    services.approve_document(admin_user, doc)
    services.sign_document(admin_user, doc, password=PASSWORD)
    reasons = list(
        doc.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons[-2:] == ["approved", "signed"]
    assert list(doc.events.values_list("action", flat=True))[-2:] == ["approved", "signed"]


def test_a_certificate_revoked_while_the_pdf_is_signed_stores_nothing(
    tree, admin_user, doc_type, pki_ready, monkeypatch, media_root
):
    doc = draft(admin_user, tree.prov, doc_type)
    real_sign = signing.sign_pdf

    def sign_then_revoke(*args, **kwargs):
        signed = real_sign(*args, **kwargs)
        services.revoke_certificate(admin_user, pki_ready["admin"], "Lộ khoá")
        return signed

    monkeypatch.setattr(signing, "sign_pdf", sign_then_revoke)
    files_before = {p for p in media_root.rglob("*") if p.is_file()}
    with pytest.raises(ValidationError, match="chứng thư|certificate"):
        services.sign_document(admin_user, doc, password=PASSWORD)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.DRAFT and not doc.original and not doc.signatures.exists()
    assert {p for p in media_root.rglob("*") if p.is_file()} == files_before
