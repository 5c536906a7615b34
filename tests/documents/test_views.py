"""Pages: lists with accent-insensitive search, detail actions, public verification, overdue."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from congdoan.documents import services
from congdoan.documents.models import IncomingEntry
from tests.conftest import PASSWORD

from .conftest import draft, sample_pdf


def test_pages_render_for_an_officer(tree, officer_a, zone_admin, doc_type, client_for, pki_ready):
    doc = draft(officer_a, tree.zone, doc_type, summary="Kế hoạch tổ chức Tháng Công nhân")
    client = client_for(officer_a)
    for url in [
        "/documents/",
        "/documents/new/",
        "/documents/incoming/",
        "/documents/overdue/",
        "/documents/registers/",
        "/documents/certificates/",
        "/documents/incoming/paper/",
        f"/documents/{doc.pk}/",
    ]:
        assert client.get(url).status_code == 200, url
    found = client.get("/documents/", {"q": "thang cong nhan"}).content.decode()
    assert "Tháng Công nhân" in found
    assert "Tháng Công nhân" not in client.get("/documents/", {"q": "khong co"}).content.decode()


def test_create_form_and_sign_through_pages(tree, admin_user, doc_type, client_for, pki_ready):
    client = client_for(admin_user)
    response = client.post(
        "/documents/new/",
        {
            "unit": tree.prov.pk,
            "doc_type": doc_type.pk,
            "summary": "Về việc thành lập tổ công nghệ số",
            "urgency": "normal",
            "confidentiality": "normal",
            "recipient_units": [tree.zone.pk],
            "file": SimpleUploadedFile("qd.pdf", sample_pdf(), content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    url = response["Location"]
    pk = int(url.strip("/").split("/")[-1])
    client.post(f"/documents/{pk}/sign/", {"password": PASSWORD, "position": "bottom-right"})
    client.post(f"/documents/{pk}/issue/", {"password": PASSWORD})
    page = client.get(url).content.decode()
    assert "01/QĐ-LĐLĐ" in page
    assert IncomingEntry.objects.filter(unit=tree.zone).count() == 1


def test_bad_upload_shows_field_error(tree, officer_a, doc_type, client_for):
    response = client_for(officer_a).post(
        "/documents/new/",
        {
            "unit": tree.zone.pk,
            "doc_type": doc_type.pk,
            "summary": "X",
            "urgency": "normal",
            "confidentiality": "normal",
            "file": SimpleUploadedFile("x.txt", b"hello"),
        },
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()


def test_public_verification_page(tree, admin_user, doc_type, pki_ready):
    doc = draft(admin_user, tree.prov, doc_type)
    services.sign_document(admin_user, doc, password=PASSWORD)
    doc = services.issue_document(admin_user, doc, password=PASSWORD)
    public = Client()
    assert public.get("/verify/document").status_code == 200
    page = public.get("/verify/document", {"code": doc.code}).content.decode()
    assert "01/QĐ-LĐLĐ" in page and "alert-success" in page
    with doc.content.open("rb") as fh:
        data = bytearray(fh.read())
    data[data.find(b"stream", 500) + 30] ^= 1
    page = public.post(
        "/verify/document", {"file": SimpleUploadedFile("x.pdf", bytes(data))}
    ).content.decode()
    assert "alert-danger" in page
    assert "alert-warning" in public.get("/verify/document", {"code": "NOTFOUND"}).content.decode()


def test_overdue_items_show_for_handler_and_unit(
    tree, grassroots_a, officer_a, doc_type, client_for
):
    entry = services.register_paper_document(
        grassroots_a,
        tree.gr_a1,
        sender="Sở Y tế",
        doc_type=doc_type,
        summary="Về phòng chống dịch",
        scan=("scan.pdf", sample_pdf()),
    )
    services.assign_incoming(
        grassroots_a, entry, handler=grassroots_a, deadline=timezone.localdate()
    )
    IncomingEntry.objects.filter(pk=entry.pk).update(
        deadline=timezone.localdate() - timedelta(days=3)
    )
    assert (
        "phòng chống dịch" in client_for(grassroots_a).get("/documents/overdue/").content.decode()
    )
    assert "phòng chống dịch" in client_for(officer_a).get("/documents/overdue/").content.decode()
