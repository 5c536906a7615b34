"""Member import uploads past the limits are refused before they are stored or parsed, with the
limit and the file's size in the message, and leave nothing behind (no job, no file, no member)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from congdoan.common import uploads
from congdoan.members import importing
from congdoan.members.choices import ImportStatus
from congdoan.members.models import ImportJob, Member
from tests.common.upload_files import bomb_xlsx, csv_rows, lying_sizes

from .test_import import _people, xlsx_bytes

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_MAX_BYTES = 1 * MB
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 2 * MB
    settings.IMPORT_MAX_ROWS = 100
    return settings.MEDIA_ROOT


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def refused(actor, unit, data: bytes, name: str) -> str:
    with pytest.raises(ValidationError) as caught:
        importing.start_job(
            actor, unit, SimpleUploadedFile(name, data), dry_run=False, background=False
        )
    return " ".join(caught.value.message_dict["file"])


@pytest.mark.parametrize(
    "data,name,expected",
    [
        (bomb_xlsx(8 * MB), "ds.xlsx", "2.0\xa0MB"),
        (lying_sizes(bomb_xlsx(8 * MB)), "ds.xlsx", "2.0\xa0MB"),
        (csv_rows(150), "ds.csv", "more than 100 rows"),
        (csv_rows(1) + b"x" * MB, "ds.csv", "too large"),
        (xlsx_bytes([["Họ và tên"], ["Nguyễn Văn An"]]), "ds.csv", "does not match"),
        (csv_rows(3), "ds.xlsx", "does not match"),
        (b"%PDF-1.7\n", "ds.pdf", "Unsupported file type .pdf"),
    ],
    ids=[
        "zip-bomb",
        "zip-bomb-lying-sizes",
        "csv-rows",
        "size",
        "xlsx-as-csv",
        "csv-as-xlsx",
        "pdf",
    ],
)
def test_a_refused_upload_leaves_no_job_no_file_no_member(
    tree, officer_a, media, data, name, expected
):
    message = refused(officer_a, tree.gr_a1, data, name)
    assert expected in message
    assert not ImportJob.objects.exists() and not Member.objects.exists()
    assert stored_files(media) == []


def test_the_message_names_the_limit_and_the_size(tree, officer_a):
    data = csv_rows(150)
    message = refused(officer_a, tree.gr_a1, data, "ds.csv")
    assert "100" in message and uploads.size_text(len(data)) in message


def test_a_workbook_of_too_many_rows_fails_its_job_before_any_row_and_its_file_is_removed(
    tree, officer_a, media
):
    """An .xlsx's rows are known only once it is opened: the job refuses it then, before a row is
    checked or written, and removes the stored file."""
    job = importing.start_job(
        officer_a,
        tree.gr_a1,
        SimpleUploadedFile("ds.xlsx", xlsx_bytes(_people(150))),
        dry_run=False,
        background=False,
    )
    assert job.status == ImportStatus.FAILED and "more than 100 rows" in job.message
    assert (job.progress, job.created) == (0, 0) and not Member.objects.exists()
    assert not job.file and stored_files(media) == []


def test_a_file_within_the_limits_is_imported_and_kept(tree, officer_a, media):
    job = importing.start_job(
        officer_a,
        tree.gr_a1,
        SimpleUploadedFile("ds.xlsx", xlsx_bytes(_people(20))),
        dry_run=False,
        background=False,
    )
    assert (job.status, job.created) == (ImportStatus.DONE, 20), job.message
    assert len(stored_files(media)) == 1


def test_the_import_page_refuses_a_zip_bomb_in_vietnamese(tree, officer_a, client_for, media):
    client = client_for(officer_a)
    with translation.override("vi"):
        response = client.post(
            reverse("members:imports"),
            {"unit_code": "GR-A1", "file": SimpleUploadedFile("ds.xlsx", bomb_xlsx(8 * MB))},
            HTTP_ACCEPT_LANGUAGE="vi",
        )
    assert response.status_code == 200
    assert "vượt quá giới hạn 2,0\xa0MB" in response.content.decode()
    assert not ImportJob.objects.exists() and stored_files(media) == []


def test_the_api_answers_422_for_a_csv_over_the_row_limit(tree, officer_a, api_client_for, media):
    response = api_client_for(officer_a).post(
        "/api/v1/members/imports",
        {"unit": "GR-A1", "file": SimpleUploadedFile("ds.csv", csv_rows(150))},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "file"
    assert not ImportJob.objects.exists() and stored_files(media) == []


def test_the_command_refuses_a_file_over_the_limits(tree, admin_user, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "ds.csv"
    path.write_bytes(csv_rows(150))
    with pytest.raises(CommandError, match="more than 100 rows"):
        call_command("import_members", str(path), unit="GR-A1", user=admin_user.username)
    assert not Member.objects.exists()


def test_a_large_upload_is_refused_with_its_real_size_though_not_stored_whole(
    tree, officer_a, client_for, media, settings, monkeypatch
):
    """Through Django's upload handlers (the temporary-file one: the file is over the in-memory
    size): SizeLimitedUploadHandler stops writing past the limit but keeps the real size."""
    import os

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    on_disk = []
    complete = uploads.SizeLimitedUploadHandler.file_complete

    def recording(self, file_size):
        stored = complete(self, file_size)
        on_disk.append((stored.size, os.path.getsize(stored.temporary_file_path())))
        return stored

    monkeypatch.setattr(uploads.SizeLimitedUploadHandler, "file_complete", recording)
    data = csv_rows(1) + b"x" * (2 * MB)
    response = client_for(officer_a).post(
        reverse("members:imports"),
        {"unit_code": "GR-A1", "file": SimpleUploadedFile("ds.csv", data)},
    )
    assert on_disk == [(len(data), MB + 1)]
    with translation.override("vi"):
        expected = f"Tệp quá lớn: {uploads.size_text(len(data))} (giới hạn là 1,0\xa0MB)"
    assert expected in response.content.decode()
    assert not ImportJob.objects.exists() and stored_files(media) == []
