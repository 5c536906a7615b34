"""Certificate PDFs: sealed by the issuing unit (PAdES, through the documents app's signing),
so an edited file fails verification; a revoked certificate's PDF says so in its body; the
QR code carries the installation's public address, not the host the file was downloaded
from. The public verification page shows what it must and nothing more."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from congdoan.documents import services as document_services
from congdoan.documents.choices import CertificateKind
from congdoan.documents.verification import trust_roots
from congdoan.skills import services
from congdoan.skills.choices import CheckInMethod

from .conftest import make_member

PUBLIC = "https://congdoan.quangninh.example.vn"
needs = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdfsig", "pdftoppm", "zbarimg", "pdftotext")),
    reason="poppler-utils and zbar-tools are needed",
)


@pytest.fixture(autouse=True)
def public_address(settings, tmp_path):
    settings.PUBLIC_BASE_URL = PUBLIC
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = ["testserver", "intranet.local"]


@pytest.fixture
def zone_seal(tree):
    document_services.init_ca("Liên đoàn Lao động tỉnh Quảng Ninh")
    system = type(
        "System",
        (),
        {"is_superuser": True, "is_authenticated": True, "is_active": True, "pk": None},
    )()
    return document_services.issue_internal_certificate(
        system, unit=tree.zone, kind=CertificateKind.SEAL
    )


@pytest.fixture
def certificate(session, officer_a, tree):
    member = make_member(
        tree.gr_a1, "Nguyễn Thị Thuỳ Dương", gender="female", year=1993, email="duong@example.org"
    )
    services.enrol_members(officer_a, session, [member.pk])
    services.check_in(session, member, method=CheckInMethod.QR_ACCOUNT)
    services.close_session(officer_a, session)
    return member.skill_certificates.select_related("member").get()


def _download(client_for, officer, certificate, host="testserver") -> bytes:
    response = client_for(officer).get(
        f"/skills/certificates/{certificate.number}.pdf", HTTP_HOST=host
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def _text(data: bytes, tmp_path) -> str:
    path = tmp_path / "t.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _flip_byte_in_signed_range(data: bytes) -> bytes:
    altered = bytearray(data)
    index = data.find(b"stream", 400) + 40
    altered[index] ^= 0x01
    return bytes(altered)


@needs
def test_pdf_is_sealed_by_the_issuing_unit_and_an_edit_breaks_it(
    certificate, zone_seal, officer_a, client_for, tmp_path
):
    data = _download(client_for, officer_a, certificate)
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert len(signatures) == 1
    status = validate_pdf_signature(signatures[0], context)
    assert status.intact and status.valid and status.trusted, status.summary()
    assert status.signing_cert.dump() == bytes(zone_seal.certificate_der)

    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(data)
    bad.write_bytes(_flip_byte_in_signed_range(data))
    out = subprocess.run(["pdfsig", str(good)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in out, out
    out_bad = subprocess.run(["pdfsig", str(bad)], capture_output=True, text=True).stdout
    assert "Signature is Valid." not in out_bad, out_bad
    edited = validate_pdf_signature(
        PdfFileReader(io.BytesIO(bad.read_bytes()), strict=False).embedded_signatures[0], context
    )
    assert not (edited.intact and edited.valid)


@needs
def test_qr_code_uses_the_public_address_not_the_download_host(
    certificate, officer_a, client_for, tmp_path
):
    data = _download(client_for, officer_a, certificate, host="intranet.local")
    (tmp_path / "c.pdf").write_bytes(data)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "200",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "c.pdf"),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    image = next(tmp_path.glob("p*.png"))
    decoded = subprocess.run(
        ["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True
    ).stdout.split()
    assert decoded == [f"{PUBLIC}/verify/certificate/{certificate.number}"]
    text = _text(data, tmp_path)
    assert "intranet.local" not in text and "congdoan.quangninh.example.vn" in text


def test_public_address_defaults_to_the_local_server():
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PUBLIC_BASE_URL"}
    out = subprocess.run(
        [sys.executable, "-c", "import congdoan.settings as s; print(s.PUBLIC_BASE_URL)"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout.strip()
    assert out == "http://127.0.0.1:8000"


@needs
def test_revoked_certificate_pdf_says_so_in_its_body(certificate, officer_a, client_for, tmp_path):
    assert "THU HỒI" not in _text(_download(client_for, officer_a, certificate), tmp_path)
    services.revoke_certificate(officer_a, certificate, "Cấp nhầm người")
    certificate.refresh_from_db()
    text = " ".join(_text(_download(client_for, officer_a, certificate), tmp_path).split())
    assert "đã bị thu hồi" in text
    assert f"{certificate.revoked_at:%d/%m/%Y}" in text and "không còn giá trị" in text


def test_verify_page_shows_course_date_unit_and_masked_name_only(client, certificate):
    body = client.get(f"/verify/certificate/{certificate.number}").content.decode()
    assert 'data-testid="verify-valid"' in body
    assert "Nguyễn T. T. D." in body
    assert "Sử dụng ứng dụng VNeID" in body and "VNEID-T" in body
    assert f"{certificate.issued_on:%d/%m/%Y}" in body
    assert "Công đoàn các Khu công nghiệp" in body
    # What "valid" means, said on the page
    assert 'data-testid="verify-meaning"' in body
    # Never the full name, the CCCD, the birth date, the e-mail or the card number
    member = certificate.member
    for secret in (
        "Thuỳ Dương",
        "Thị Thuỳ",
        member.cccd,
        member.cccd[-6:],
        f"{member.date_of_birth:%d/%m/%Y}",
        member.date_of_birth.isoformat(),
        "duong@example.org",
        member.card_number,
    ):
        assert secret not in body, secret


def test_verify_page_of_a_revoked_certificate_says_it_is_not_valid(client, certificate, officer_a):
    services.revoke_certificate(officer_a, certificate, "Cấp nhầm người")
    body = client.get(f"/verify/certificate/{certificate.number}").content.decode()
    assert 'data-testid="verify-revoked"' in body and 'data-testid="verify-valid"' not in body
    assert "Cấp nhầm người" not in body  # the reason is the officers' business


def test_checkin_qr_uses_the_public_address_too(session, officer_a, client_for):
    body = (
        client_for(officer_a)
        .get(f"/skills/sessions/{session.pk}/", HTTP_HOST="intranet.local")
        .content.decode()
    )
    assert f'href="{PUBLIC}/skills/checkin/{session.checkin_token}/"' in body
    assert "intranet.local" not in body
