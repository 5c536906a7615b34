"""Signed files validate in pyHanko and in poppler's pdfsig; altered files are reported altered."""

import io
import shutil
import subprocess
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from congdoan.documents import services, signing
from congdoan.documents.choices import DocumentStatus, EventAction
from congdoan.documents.models import Document, DocumentType, Register
from congdoan.documents.verification import Verdict, trust_roots, verify_pdf
from tests.conftest import PASSWORD

from .conftest import draft, sample_pdf

PDFSIG = shutil.which("pdfsig")


@pytest.fixture
def issued_pdf(tree, admin_user, doc_type, pki_ready):
    doc = draft(admin_user, tree.prov, doc_type, file=("qd.pdf", sample_pdf(3)))
    services.sign_document(admin_user, doc, password=PASSWORD, page=2)
    doc = services.issue_document(admin_user, doc, password=PASSWORD)
    with doc.content.open("rb") as fh:
        return doc, fh.read()


def test_pyhanko_validator_accepts_both_signatures(issued_pdf):
    _doc, data = issued_pdf
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    sigs = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert len(sigs) == 2
    for sig in sigs:
        status = validate_pdf_signature(sig, context)
        assert status.intact and status.valid and status.trusted, status.summary()


def test_report_lists_signer_chain_time_and_trust(issued_pdf, admin_user):
    doc, data = issued_pdf
    report = verify_pdf(data)
    signer, seal = report.signatures
    assert signer.signer == admin_user.display_name
    assert seal.signer == doc.unit.name
    assert signer.trusted and "CA nội bộ" in signer.trust_anchor
    assert len(signer.chain) == 2 and signer.signing_time is not None
    assert not signer.modified_after_signing and signer.later_revisions
    assert seal.covers_whole_file and report.all_ok


def test_signature_block_on_the_chosen_page(issued_pdf):
    _doc, data = issued_pdf
    reader = PdfFileReader(io.BytesIO(data))
    page_2 = reader.root["/Pages"]["/Kids"][1]
    fields = [annot.get_object().get("/T") for annot in page_2.get_object().get("/Annots", [])]
    assert "ChuKyNguoiKy" in fields and "ChuKyCoQuan" in fields


def _flip_byte_in_signed_range(data: bytes) -> bytes:
    altered = bytearray(data)
    index = data.find(b"Trang 1")
    if index < 0:
        index = data.find(b"stream", 500) + 30
    altered[index] ^= 0x01
    return bytes(altered)


def test_altered_file_is_reported_altered(issued_pdf):
    _doc, data = issued_pdf
    report = verify_pdf(_flip_byte_in_signed_range(data))
    assert not report.all_ok
    assert all(s.modified_after_signing or not s.intact for s in report.signatures)


def test_incremental_change_after_signing_is_reported(issued_pdf):
    """Someone appends an update that changes the page content: the signatures stay intact,
    but verification must say the document was changed after signing."""
    _doc, data = issued_pdf
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    from pyhanko.pdf_utils import generic

    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (FORGED) Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue())
    assert not report.all_ok
    assert all(s.intact for s in report.signatures)
    assert all(s.modified_after_signing for s in report.signatures)


def test_untrusted_root_is_reported(issued_pdf):
    _doc, data = issued_pdf
    report = verify_pdf(data, roots=[])
    assert not report.all_ok and not any(s.trusted for s in report.signatures)


def test_not_a_pdf_and_unsigned_pdf():
    assert verify_pdf(b"hello").error
    assert verify_pdf(sample_pdf()).error


@pytest.mark.skipif(
    PDFSIG is None, reason="poppler's pdfsig is not installed (Debian package poppler-utils)"
)
def test_pdfsig_validates_and_detects_alteration(issued_pdf, tmp_path):
    _doc, data = issued_pdf
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(data)
    bad.write_bytes(_flip_byte_in_signed_range(data))
    out = subprocess.run([PDFSIG, str(good)], capture_output=True, text=True, timeout=60).stdout
    assert out.count("Signature is Valid.") == 2, out
    assert "Nguyễn Thị Hạnh" in out
    out_bad = subprocess.run([PDFSIG, str(bad)], capture_output=True, text=True, timeout=60).stdout
    assert "Signature is Valid." not in out_bad, out_bad


def test_revoked_certificate_is_flagged_for_later_signatures(issued_pdf, admin_user, pki_ready):
    _doc, data = issued_pdf
    services.revoke_certificate(admin_user, pki_ready["admin"], "Lộ khoá")
    report = verify_pdf(data)
    # Signed before the revocation: still valid, with the revocation noted.
    assert report.signatures[0].revocation_note and not report.signatures[0].revoked


def test_commands_ca_and_verify_pdf(issued_pdf, tmp_path, tree, officer_a):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from congdoan.documents.models import SigningCertificate

    call_command("ca", "init")  # already there: says so
    call_command("ca", "issue", "--unit", "ZONE", "--user", "officer_a")
    assert SigningCertificate.objects.filter(user=officer_a).exists()
    _doc, data = issued_pdf
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("verify_pdf", str(path), stdout=out)
    assert out.getvalue().splitlines()[0] == str(Verdict.VALID.label)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(_flip_byte_in_signed_range(data))
    with pytest.raises(CommandError):
        call_command("verify_pdf", str(bad), stdout=io.StringIO())


PDFTOTEXT, PDFFONTS = shutil.which("pdftotext"), shutil.which("pdffonts")


@pytest.mark.skipif(PDFTOTEXT is None or PDFFONTS is None, reason="poppler-utils is not installed")
def test_blocks_draw_vietnamese_text_with_embedded_fonts(issued_pdf, tmp_path):
    """The cached fixed part and the lines drawn at each signature (time, number) are real
    text in embedded fonts, diacritics included."""
    doc, data = issued_pdf
    path = tmp_path / "issued.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        [PDFTOTEXT, "-f", "2", "-l", "2", str(path), "-"],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "Ký bởi: Nguyễn Thị Hạnh" in text
    assert "Thời gian ký: " in text and " ngày " in text and "+07:00" not in text
    assert doc.number_symbol in text and "Đ" in doc.number_symbol
    fonts = subprocess.run(
        [PDFFONTS, str(path)], capture_output=True, text=True, timeout=60
    ).stdout.splitlines()[2:]
    assert fonts and all(" yes yes yes " in line for line in fonts), fonts


def test_fixed_part_of_a_block_is_rendered_once(admin_user):
    from django.utils import timezone

    first = signing.signer_appearance(
        title_lines=["Chủ tịch"], name="Nguyễn Thị Hạnh", unit="LĐLĐ", moment=timezone.now()
    )
    again = signing.signer_appearance(
        title_lines=["Chủ tịch"], name="Nguyễn Thị Hạnh", unit="LĐLĐ", moment=timezone.now()
    )
    other = signing.signer_appearance(
        title_lines=["Phó Chủ tịch"], name="Nguyễn Thị Hạnh", unit="LĐLĐ", moment=timezone.now()
    )
    assert first.static is again.static and other.static is not first.static
    seal = signing.seal_appearance(unit="LĐLĐ", number_symbol="05/QĐ-LĐLĐ", moment=timezone.now())
    assert [line.text for line in seal.lines][0] == "05/QĐ-LĐLĐ"


# --- confirmation: the services always ask the person again --------------------------------


def _totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time

    return f"{hotp_value(secret, next(iter(yield_hotp_counters_from_time()))):06d}"


def test_signing_and_issuing_cannot_be_called_without_confirmation(
    tree, admin_user, doc_type, pki_ready
):
    doc = draft(admin_user, tree.prov, doc_type)
    with pytest.raises(ValidationError) as refused:
        services.sign_document(admin_user, doc)
    assert "password" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.sign_document(admin_user, doc, password="not-the-password")
    with pytest.raises(TypeError):  # the demo's old switch is gone
        services.sign_document(admin_user, doc, pre_confirmed=True)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.DRAFT and not doc.signatures.exists()

    services.sign_document(admin_user, doc, password=PASSWORD)
    with pytest.raises(ValidationError) as refused:
        services.issue_document(admin_user, doc)
    assert "password" in refused.value.message_dict
    with pytest.raises(TypeError):
        services.issue_document(admin_user, doc, pre_confirmed=True)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.SIGNED and doc.number is None
    assert not Register.objects.exists()  # no number was taken


def test_a_totp_code_confirms_once(tree, admin_user, doc_type, pki_ready):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(admin_user, secret)
    first, second = (draft(admin_user, tree.prov, doc_type) for _ in range(2))
    code = _totp_code(secret)
    services.sign_document(admin_user, first, otp=code)
    with pytest.raises(ValidationError) as refused:
        services.sign_document(admin_user, second, otp=code)  # already used
    assert "otp" in refused.value.message_dict


# --- the timestamp server is waited for outside any lock ------------------------------------


def _signing_meanwhile(monkeypatch, meanwhile):
    """Make ``signing.sign_pdf`` (where the timestamp server is waited for) run ``meanwhile``
    once its signature is made, as if another officer acted during the wait."""
    real_sign = signing.sign_pdf

    def sign_and_wait(*args, **kwargs):
        signed = real_sign(*args, **kwargs)
        meanwhile()
        return signed

    monkeypatch.setattr(signing, "sign_pdf", sign_and_wait)


@pytest.mark.parametrize("change", ["revised", "submitted"])
def test_a_change_made_while_signing_is_kept_and_the_signature_refused(
    change, tree, admin_user, doc_type, pki_ready, monkeypatch
):
    doc = draft(admin_user, tree.prov, doc_type)
    draft_pdf = doc.content.name

    def other_officer():
        if change == "revised":
            services.revise_document(admin_user, doc, summary="Về việc khen thưởng (bản sửa)")
        else:
            services.submit_for_review(admin_user, doc, [])

    _signing_meanwhile(monkeypatch, other_officer)
    with pytest.raises(ValidationError) as refused:
        services.sign_document(admin_user, doc, password=PASSWORD)
    assert refused.value.code == "changed_while_signing"
    doc.refresh_from_db()
    if change == "revised":
        assert doc.status == DocumentStatus.DRAFT and doc.summary.endswith("(bản sửa)")
    else:
        assert doc.status == DocumentStatus.IN_REVIEW
    assert doc.content.name == draft_pdf and not doc.original and doc.signed_at is None
    assert not doc.signatures.exists()
    assert EventAction.SIGNED not in doc.events.values_list("action", flat=True)
    with doc.content.open("rb") as fh:
        assert verify_pdf(fh.read()).error  # still the unsigned draft


def test_no_transaction_is_open_while_the_signature_is_made(
    tree, admin_user, doc_type, pki_ready, monkeypatch
):
    doc = draft(admin_user, tree.prov, doc_type)
    outside = list(connection.savepoint_ids)  # the test's own transaction
    during: list[list] = []
    _signing_meanwhile(monkeypatch, lambda: during.append(list(connection.savepoint_ids)))
    services.sign_document(admin_user, doc, password=PASSWORD)
    assert during == [outside]
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.SIGNED and doc.signatures.count() == 1


@pytest.mark.django_db(transaction=True)
def test_another_officer_can_lock_the_document_while_it_is_signed(monkeypatch, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs a second connection to a server database: run with DATABASE_URL=postgres://… "
            "(the savepoint test above shows the same on SQLite)"
        )
    from congdoan.documents.choices import CertificateKind
    from congdoan.org.choices import Role
    from tests.conftest import Tree, make_user

    settings.MEDIA_ROOT = tmp_path / "media"
    tree = Tree()
    head = make_user("head", tree.prov, Role.ADMINISTRATOR)
    services.init_ca(tree.prov.name)
    system = type(
        "System",
        (),
        {"is_superuser": True, "is_authenticated": True, "is_active": True, "pk": None},
    )()
    services.issue_internal_certificate(
        system, unit=tree.prov, kind=CertificateKind.PERSONAL, user=head
    )
    doc_type, _created = DocumentType.objects.get_or_create(
        code="quyet-dinh", defaults={"name": "Quyết định", "abbreviation": "QĐ"}
    )
    doc = draft(head, tree.prov, doc_type)
    outcome: list = []

    def lock_from_another_connection():
        try:
            with transaction.atomic():
                Document.objects.select_for_update(nowait=True).get(pk=doc.pk)
            outcome.append("locked")
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcome.append(exc)
        finally:
            connections.close_all()

    def meanwhile():
        other = threading.Thread(target=lock_from_another_connection)
        other.start()
        other.join()

    _signing_meanwhile(monkeypatch, meanwhile)
    services.sign_document(head, doc, password=PASSWORD)
    assert outcome == ["locked"]
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.SIGNED


def test_a_timestamp_server_that_does_not_answer_signs_nothing(
    tree, admin_user, doc_type, pki_ready, settings
):
    settings.DOCUMENTS_TSA_URL = "http://127.0.0.1:9/tsa"  # nothing listens on the discard port
    doc = draft(admin_user, tree.prov, doc_type)
    with pytest.raises(ValidationError):
        services.sign_document(admin_user, doc, password=PASSWORD)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.DRAFT and not doc.signatures.exists()
    settings.DOCUMENTS_TSA_URL = ""
    services.sign_document(admin_user, doc, password=PASSWORD)
    settings.DOCUMENTS_TSA_URL = "http://127.0.0.1:9/tsa"
    with pytest.raises(ValidationError):
        services.issue_document(admin_user, doc, password=PASSWORD)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.SIGNED and doc.number is None
    assert not Register.objects.filter(next_number__gt=1).exists()  # the number was given back
