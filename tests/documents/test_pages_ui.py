"""Small things on the documents pages: the summary opens the document, a signed document is
not called a draft, reviewers are ticked (usable on a phone), "mã xác thực" not "TOTP"."""

from __future__ import annotations

import re
from pathlib import Path

from congdoan.documents import services
from tests.conftest import PASSWORD

from .conftest import draft

PO = Path(__file__).parents[2] / "congdoan/documents/locale/vi/LC_MESSAGES/django.po"


def test_the_summary_in_the_list_opens_the_document(tree, officer_a, doc_type, client_for):
    doc = draft(officer_a, tree.zone, doc_type, summary="Kế hoạch tổ chức Tháng Công nhân")
    html = client_for(officer_a).get("/documents/").content.decode()
    link = re.search(rf'<a href="/documents/{doc.pk}/"[^>]*>(.*?)</a>', html, re.S)
    links = re.findall(rf'<a href="/documents/{doc.pk}/"[^>]*>(.*?)</a>', html, re.S)
    assert link and any("Kế hoạch tổ chức Tháng Công nhân" in text for text in links)


def test_a_signed_document_is_not_headed_draft(tree, admin_user, doc_type, pki_ready, client_for):
    doc = draft(admin_user, tree.prov, doc_type)
    services.sign_document(admin_user, doc, password=PASSWORD)
    html = client_for(admin_user).get(f"/documents/{doc.pk}/").content.decode()
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "Dự thảo" not in heading and "Dự thảo" not in title
    assert "đã ký" in heading.lower()
    rows = client_for(admin_user).get("/documents/").content.decode()
    assert "(chưa có số)" in rows


def test_reviewers_are_checkboxes(tree, officer_a, zone_admin, doc_type, client_for):
    doc = draft(officer_a, tree.zone, doc_type)
    html = client_for(officer_a).get(f"/documents/{doc.pk}/").content.decode()
    assert "<select" not in html.split('data-testid="reviewers"')[1].split("</fieldset>")[0]
    assert re.search(r"<input type=\"checkbox\"[^>]*name=\"reviewers\"", html)
    response = client_for(officer_a).post(
        f"/documents/{doc.pk}/submit/", {"reviewers": [zone_admin.pk]}
    )
    assert response.status_code in (200, 302)
    assert doc.reviews.filter(reviewer=zone_admin).exists()


def test_vietnamese_texts_say_ma_xac_thuc_not_totp():
    msgstrs = re.findall(r'^msgstr "(.*)"$', PO.read_text(encoding="utf-8"), re.M)
    assert not [s for s in msgstrs if "TOTP" in s]
