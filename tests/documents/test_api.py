"""The documents API: multipart create, list and search, workflow POSTs, sign, file, verify."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import PASSWORD

from .conftest import sample_pdf


def _create(api, **extra):
    data = {
        "unit": "PROV",
        "doc_type": "quyet-dinh",
        "summary": "Về việc khen thưởng đoàn viên",
        "recipient_units": "ZONE,GR-A1",
        "file": SimpleUploadedFile("qd.pdf", sample_pdf(), content_type="application/pdf"),
    }
    data.update(extra)
    return api.post("/api/v1/documents", data)


def test_create_sign_issue_and_fetch(admin_user, api_client_for, pki_ready):
    api = api_client_for(admin_user)
    response = _create(api)
    assert response.status_code == 201, response.content
    doc = response.json()
    assert doc["status"] == "draft" and doc["recipients"] == ["ZONE", "GR-A1"]
    listed = api.get(
        "/api/v1/documents", {"q": "khen thuong", "type": "quyet-dinh", "status": "draft"}
    ).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == doc["id"]
    wrong = api.post(
        f"/api/v1/documents/{doc['id']}/sign", {"password": "nope"}, content_type="application/json"
    )
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["field"] == "password"
    signed = api.post(
        f"/api/v1/documents/{doc['id']}/sign",
        {"password": PASSWORD},
        content_type="application/json",
    )
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    issued = api.post(
        f"/api/v1/documents/{doc['id']}/issue",
        {"password": PASSWORD},
        content_type="application/json",
    )
    assert issued.json()["number_symbol"] == "01/QĐ-LĐLĐ"
    pdf = b"".join(api.get(f"/api/v1/documents/{doc['id']}/file").streaming_content)
    assert pdf.startswith(b"%PDF")
    public = Client()
    report = public.post(
        "/api/v1/documents/verify", {"file": SimpleUploadedFile("x.pdf", pdf)}
    ).json()
    assert report["all_ok"] and len(report["signatures"]) == 2
    by_code = public.post("/api/v1/documents/verify", {"code": issued.json()["code"]}).json()
    assert by_code["all_ok"] and by_code["document"]["number_symbol"] == "01/QĐ-LĐLĐ"
    incoming = api.get("/api/v1/documents/incoming").json()
    assert incoming["count"] == 2


def test_create_rejects_non_pdf_with_field_message(admin_user, api_client_for):
    response = _create(api_client_for(admin_user), file=SimpleUploadedFile("x.txt", b"hello"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "file"


def test_workflow_endpoints(officer_a, zone_admin, api_client_for, pki_ready):
    officer = api_client_for(officer_a)
    doc = _create(officer, unit="ZONE", recipient_units="GR-A1").json()
    sent = officer.post(
        f"/api/v1/documents/{doc['id']}/submit",
        {"reviewers": ["zone_admin"]},
        content_type="application/json",
    )
    assert sent.json()["status"] == "in_review"
    head = api_client_for(zone_admin)
    head.post(
        f"/api/v1/documents/{doc['id']}/review", {"agree": True}, content_type="application/json"
    )
    assert head.post(f"/api/v1/documents/{doc['id']}/approve").json()["status"] == "approved"
    forbidden = officer.post(
        f"/api/v1/documents/{doc['id']}/sign",
        {"password": PASSWORD},
        content_type="application/json",
    )
    assert forbidden.status_code == 403
    history = officer.get(f"/api/v1/documents/{doc['id']}/history").json()["items"]
    assert [h["action"] for h in history] == ["created", "submitted", "review_agreed", "approved"]
