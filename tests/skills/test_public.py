"""Public pages: QR check-in, certificate verification, certificate PDF."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from congdoan.skills import services
from congdoan.skills.choices import CheckInMethod
from congdoan.skills.models import Attendance

from .conftest import make_member


@pytest.fixture
def certificate(session, officer_a, tree):
    member = make_member(tree.gr_a1, "Nguyễn Thị Thuỳ Dương", gender="female")
    services.enrol_members(officer_a, session, [member.pk])
    services.check_in(session, member, method=CheckInMethod.QR_ACCOUNT)
    services.close_session(officer_a, session)
    return member.skill_certificates.get()


def test_checkin_with_identity_number(client, session, members):
    m = members["a2"][0]
    url = f"/skills/checkin/{session.checkin_token}/"
    page = client.get(url)
    assert page.status_code == 200 and "Sử dụng ứng dụng VNeID" in page.content.decode()
    # CCCD typed without its leading zero, as spreadsheets and hurried people do
    response = client.post(
        url,
        {
            "mode": "identity",
            "cccd": m.cccd.lstrip("0"),
            "date_of_birth": m.date_of_birth.isoformat(),
        },
    )
    assert 'data-testid="checkin-done"' in response.content.decode()
    again = client.post(
        url, {"mode": "identity", "cccd": m.cccd, "date_of_birth": m.date_of_birth.isoformat()}
    )
    assert 'data-testid="checkin-done"' in again.content.decode()
    assert Attendance.objects.filter(session=session, member=m).count() == 1


def test_checkin_wrong_birth_date_is_refused(client, session, members):
    m = members["a2"][0]
    response = client.post(
        f"/skills/checkin/{session.checkin_token}/",
        {"mode": "identity", "cccd": m.cccd, "date_of_birth": "2001-01-01"},
    )
    assert response.status_code == 200
    assert "checkin-done" not in response.content.decode()
    assert not Attendance.objects.filter(session=session).exists()


def test_checkin_logged_in_member(client, session, members):
    m = members["a1"][1]
    m.email = "binh@example.org"
    m.save()
    user = get_user_model().objects.create_user(
        "binh", email="binh@example.org", password="x-2026-long"
    )
    client.force_login(user)
    response = client.post(f"/skills/checkin/{session.checkin_token}/", {"mode": "account"})
    assert 'data-testid="checkin-done"' in response.content.decode()
    assert Attendance.objects.get(session=session, member=m).method == "qr_account"


def test_session_page_shows_qr(session, officer_a, client_for):
    body = client_for(officer_a).get(f"/skills/sessions/{session.pk}/").content.decode()
    assert "<svg" in body and session.checkin_token in body


def test_verification_page_masks_name(client, certificate):
    body = client.get(f"/verify/certificate/{certificate.number}").content.decode()
    assert 'data-testid="verify-valid"' in body
    assert "Nguyễn T. T. D." in body
    assert "Thuỳ Dương" not in body
    assert "Công đoàn các Khu công nghiệp" in body and "Sử dụng ứng dụng VNeID" in body


def test_verification_shows_revocation(client, certificate, officer_a):
    services.revoke_certificate(officer_a, certificate, "Cấp nhầm người")
    body = client.get(f"/verify/certificate/{certificate.number}").content.decode()
    assert 'data-testid="verify-revoked"' in body


def test_unknown_certificate_is_404(client, db):
    response = client.get("/verify/certificate/CD-2026-XXXXXXXX")
    assert (
        response.status_code == 404 and 'data-testid="verify-unknown"' in response.content.decode()
    )


def test_certificate_pdf_has_vietnamese_text_and_embedded_font(
    certificate, officer_a, api_client_for, tmp_path
):
    import io
    import shutil
    import subprocess

    from pyhanko.pdf_utils.reader import PdfFileReader

    response = api_client_for(officer_a).get(f"/api/v1/certificates/{certificate.number}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfFileReader(io.BytesIO(response.content))
    page = reader.root["/Pages"]["/Kids"][0]
    fonts = [str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()]
    # "CD Sans" is the family name common/pdf.py gives the embedded Be Vietnam Pro files
    assert fonts and all(
        any(n in f for n in ("CD-Sans", "BeVietnamPro", "DejaVu")) for f in fonts
    ), fonts
    if shutil.which("pdftotext"):
        path = tmp_path / "c.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        for expected in (
            "GIẤY CHỨNG NHẬN",
            "Nguyễn Thị Thuỳ Dương",
            "Sử dụng ứng dụng VNeID",
            certificate.number,
        ):
            assert expected in text, expected


def test_identity_guessing_is_capped(client, session, members):
    from django.core.cache import cache

    cache.clear()
    m = members["a2"][0]
    url = f"/skills/checkin/{session.checkin_token}/"
    for year in range(1970, 1980):
        client.post(url, {"mode": "identity", "cccd": m.cccd, "date_of_birth": f"{year}-01-01"})
    response = client.post(
        url, {"mode": "identity", "cccd": m.cccd, "date_of_birth": m.date_of_birth.isoformat()}
    )
    assert "checkin-done" not in response.content.decode()
    assert not Attendance.objects.filter(session=session).exists()
    cache.clear()
