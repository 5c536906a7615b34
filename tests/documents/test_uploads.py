"""Document uploads are checked before anything is stored: size (content, scans, attachments,
files to verify), PDF by content, a page tree that loops, office files that expand too far;
a refused upload leaves no document and no file."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from congdoan.documents import services
from congdoan.documents.models import Document, IncomingEntry
from tests.common.upload_files import bomb_xlsx, cyclic_pdf

from .conftest import draft, sample_pdf

CYCLIC = "cây trang của tệp tự trỏ vòng"


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def refusal(call, *args, field: str = "file", **kwargs) -> str:
    """The message on ``field`` when ``call`` refuses. (Services run in the test's own thread: the
    test database is one connection; that the PDF check ends is tested in tests/common.)"""
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return " ".join(caught.value.message_dict[field])


def test_a_pdf_whose_page_tree_loops_is_refused_at_upload(tree, admin_user, doc_type, media_root):
    assert CYCLIC in refusal(draft, admin_user, tree.prov, doc_type, file=("qd.pdf", cyclic_pdf()))
    assert not Document.objects.exists() and stored_files(media_root) == []


def test_a_scan_whose_page_tree_loops_is_refused(tree, grassroots_a, doc_type, media_root):
    message = refusal(
        services.register_paper_document,
        grassroots_a,
        tree.gr_a1,
        field="scan",
        sender="Sở Y tế",
        doc_type=doc_type,
        summary="Về phòng chống dịch",
        scan=("scan.pdf", cyclic_pdf()),
    )
    assert CYCLIC in message
    assert not IncomingEntry.objects.exists() and stored_files(media_root) == []


def test_a_revision_whose_page_tree_loops_is_refused(tree, admin_user, doc_type, media_root):
    document = draft(admin_user, tree.prov, doc_type)
    before = sorted(stored_files(media_root))
    assert CYCLIC in refusal(
        services.revise_document, admin_user, document, file=("v2.pdf", cyclic_pdf())
    )
    assert sorted(stored_files(media_root)) == before


def test_a_pdf_over_the_size_limit_is_refused_naming_limit_and_size(
    tree, admin_user, doc_type, media_root, settings
):
    settings.UPLOAD_MAX_BYTES = 5000
    data = sample_pdf()
    assert len(data) > 5000
    upload = SimpleUploadedFile("qd.pdf", data)
    with pytest.raises(ValidationError) as caught:
        draft(admin_user, tree.prov, doc_type, file=upload)
    message = " ".join(caught.value.message_dict["file"])
    assert message.startswith("Tệp quá lớn") and "4,9\xa0KB" in message
    assert not Document.objects.exists() and stored_files(media_root) == []


def test_a_file_named_pdf_that_is_not_one_is_refused(tree, admin_user, doc_type, media_root):
    with pytest.raises(ValidationError, match="Tệp không phải PDF"):
        draft(admin_user, tree.prov, doc_type, file=("qd.pdf", bomb_xlsx(1000)))
    assert stored_files(media_root) == []


def test_an_attachment_over_the_limit_is_refused_before_anything_is_stored(
    tree, admin_user, doc_type, media_root, settings
):
    settings.UPLOAD_MAX_BYTES = len(sample_pdf()) + 10
    big = SimpleUploadedFile("phu-luc.xlsx", b"x" * (len(sample_pdf()) + 100))
    with pytest.raises(ValidationError) as caught:
        draft(admin_user, tree.prov, doc_type, attachments=(big,))
    assert "Tệp quá lớn" in " ".join(caught.value.message_dict["attachments"])
    assert not Document.objects.exists() and stored_files(media_root) == []


def test_an_office_file_that_expands_too_far_is_refused_before_conversion(
    tree, admin_user, doc_type, media_root, settings, monkeypatch
):
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    monkeypatch.setattr(services.files, "office_converter", lambda: "/usr/bin/soffice")

    def convert(name, data):
        raise AssertionError("the bomb reached LibreOffice")

    monkeypatch.setattr(services.files, "convert_to_pdf", convert)
    with pytest.raises(ValidationError, match="khi giải nén"):
        draft(admin_user, tree.prov, doc_type, file=("qd.docx", bomb_xlsx(4 * 1024 * 1024)))
    assert stored_files(media_root) == []


def test_files_stored_before_a_failure_are_removed(
    tree, admin_user, doc_type, media_root, monkeypatch
):
    """The database refuses a row after the PDF was stored: the transaction rolls back, and the
    stored files go too."""

    def failing_event(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services.drafting, "record_event", failing_event)
    attachment = SimpleUploadedFile("phu-luc.txt", b"noi dung")
    with pytest.raises(RuntimeError):
        draft(admin_user, tree.prov, doc_type, attachments=(attachment,))
    assert stored_files(media_root) == []


def test_the_verification_page_and_api_answer_a_cyclic_pdf(client, db):
    page = client.post("/verify/document", {"file": SimpleUploadedFile("x.pdf", cyclic_pdf())})
    assert page.status_code == 200 and CYCLIC in page.content.decode()
    answer = client.post(
        "/api/v1/documents/verify", {"file": SimpleUploadedFile("x.pdf", cyclic_pdf())}
    )
    assert CYCLIC in answer.json()["error"]


def test_the_verification_api_refuses_a_file_over_the_limit(client, db, settings):
    settings.UPLOAD_MAX_BYTES = 5000
    response = client.post(
        "/api/v1/documents/verify", {"file": SimpleUploadedFile("x.pdf", sample_pdf())}
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "file"
    page = client.post("/verify/document", {"file": SimpleUploadedFile("x.pdf", sample_pdf())})
    assert "Tệp quá lớn" in page.content.decode()


def test_a_certificate_file_over_the_limit_is_refused_by_the_form(tree, admin_user, settings):
    from congdoan.documents.forms import CertificateImportForm

    settings.UPLOAD_MAX_BYTES = 1000
    form = CertificateImportForm(
        {"unit": tree.prov.pk, "kind": "seal"},
        {"file": SimpleUploadedFile("seal.p12", b"x" * 2000)},
        user=admin_user,
    )
    assert not form.is_valid() and "Tệp quá lớn" in " ".join(form.errors["file"])
