"""Signed files validate in pyHanko and in poppler's pdfsig; altered files are reported altered."""

import io
import shutil
import subprocess

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from congdoan.documents import services
from congdoan.documents.verification import trust_roots, verify_pdf
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
    assert "ALL OK" in out.getvalue()
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
    assert "Thời gian ký: 20" in text and "+07:00" in text
    assert doc.number_symbol in text and "Đ" in doc.number_symbol
    fonts = subprocess.run(
        [PDFFONTS, str(path)], capture_output=True, text=True, timeout=60
    ).stdout.splitlines()[2:]
    assert fonts and all(" yes yes yes " in line for line in fonts), fonts


def test_fixed_part_of_a_block_is_rendered_once(admin_user):
    from django.utils import timezone

    from congdoan.documents import signing

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
