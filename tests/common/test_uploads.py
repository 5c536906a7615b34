"""Upload limits, checked before a file is parsed: size, content against extension, zip bombs
(honest and lying sizes), rows of a CSV or a workbook, PDF page trees that loop, and cleaning
up after a refusal."""

from __future__ import annotations

import io
import threading

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from congdoan.common import spreadsheets, uploads
from congdoan.common.uploads import UploadRefused

from .upload_files import bomb_xlsx, csv_rows, cyclic_pdf, lying_sizes, pdf_from_objects

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def small_limits(settings):
    settings.UPLOAD_MAX_BYTES = 1 * MB
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 2 * MB
    settings.IMPORT_MAX_ROWS = 100
    return settings


def workbook(rows: int) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Họ và tên", "Giới tính"])
    for r in range(1, rows):
        sheet.write_row(r, 0, [f"Người Thứ {r}", "Nam"])
    book.close()
    return buffer.getvalue()


def refusal(source, name: str) -> str:
    with pytest.raises(UploadRefused) as caught:
        spreadsheets.check_file(source, name)
    return caught.value.message


@pytest.fixture
def calamine_never_opens(monkeypatch):
    def refuse(source):
        raise AssertionError("the file reached the spreadsheet reader")

    monkeypatch.setattr(spreadsheets, "_calamine_sheet", refuse)


# --- zip bombs -----------------------------------------------------------------------------------
def test_a_zip_bomb_workbook_is_refused_before_it_is_parsed(small_limits, calamine_never_opens):
    data = bomb_xlsx(8 * MB)
    assert len(data) < 100_000  # 8 MB of XML in a few tens of kilobytes
    message = refusal(SimpleUploadedFile("ds.xlsx", data), "ds.xlsx")
    assert uploads.size_text(len(data)) in message and "2.0\xa0MB" in message
    with pytest.raises(UploadRefused):
        spreadsheets.Sheet(io.BytesIO(data), "ds.xlsx")  # and when read from storage


def test_a_zip_bomb_lying_about_its_sizes_is_refused(small_limits, calamine_never_opens):
    """The declared sizes are the sender's word: what the sheet really inflates to is counted."""
    data = lying_sizes(bomb_xlsx(8 * MB))
    import zipfile

    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()) < 10_000
    assert "2.0\xa0MB" in refusal(io.BytesIO(data), "ds.xlsx")


def test_a_workbook_within_the_limits_is_read(settings):
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 4 * MB
    data = bomb_xlsx(1 * MB)
    spreadsheets.check_file(io.BytesIO(data), "ds.xlsx")
    sheet = spreadsheets.Sheet(io.BytesIO(data), "ds.xlsx")
    assert next(sheet.rows()) == (1, ["Nguyễn Văn An", "Nam"])


# --- rows ----------------------------------------------------------------------------------------
def test_a_csv_over_the_row_limit_is_refused_naming_the_limit_and_size(small_limits):
    data = csv_rows(150)
    message = refusal(io.BytesIO(data), "ds.csv")
    assert "more than 100 rows" in message and uploads.size_text(len(data)) in message
    spreadsheets.check_file(io.BytesIO(csv_rows(99)), "ds.csv")  # 100 rows with the header
    with pytest.raises(UploadRefused):
        spreadsheets.Sheet(io.BytesIO(data), "ds.csv")


def test_csv_rows_are_counted_only_up_to_the_limit(small_limits, monkeypatch):
    read = {"rows": 0}
    original = spreadsheets._csv_rows

    def counting(text):
        for item in original(text):
            read["rows"] += 1
            yield item

    monkeypatch.setattr(spreadsheets, "_csv_rows", counting)
    with pytest.raises(UploadRefused):
        spreadsheets.check_file(io.BytesIO(csv_rows(5000)), "ds.csv")
    assert read["rows"] == 101


def test_a_workbook_over_the_row_limit_is_refused_when_opened(small_limits):
    data = workbook(150)
    spreadsheets.check_file(io.BytesIO(data), "ds.xlsx")  # its XML is not parsed at upload
    with pytest.raises(UploadRefused) as caught:
        spreadsheets.Sheet(io.BytesIO(data), "ds.xlsx")
    assert "more than 100 rows" in caught.value.message


# --- size and type -------------------------------------------------------------------------------
def test_a_file_over_the_size_limit_is_refused_with_both_sizes(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    message = refusal(io.BytesIO(csv_rows(100)), "ds.csv")
    assert "too large" in message and "1000\xa0bytes" in message
    assert uploads.size_text(len(csv_rows(100))) in message


@pytest.mark.parametrize(
    "data,name,looks_like",
    [
        (pdf_from_objects([b"<< /Type /Catalog >>"]), "ds.xlsx", "a PDF document"),
        (workbook(3), "ds.csv", "a ZIP archive"),
        (workbook(3), "ds.xls", "a ZIP archive"),
        (csv_rows(3), "ds.xlsx", "plain text"),
        (csv_rows(3), "ds.ods", "plain text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "ds.csv", "binary data"),
        (uploads.OLE_MAGIC + b"\x00" * 100, "ds.xlsx", "an Office 97–2003 file"),
    ],
)
def test_a_renamed_file_is_refused_by_its_content(data, name, looks_like, calamine_never_opens):
    message = refusal(io.BytesIO(data), name)
    assert "does not match its extension" in message and looks_like in message


def test_a_csv_saved_as_utf16_is_text():
    spreadsheets.check_file(io.BytesIO("Họ và tên;Giới tính\r\n".encode("utf-16")), "ds.csv")
    spreadsheets.check_file(io.BytesIO("Họ và tên;Giới tính\r\n".encode("utf-16-le")), "ds.csv")


def test_refusals_are_in_vietnamese(small_limits):
    with translation.override("vi"):
        message = refusal(io.BytesIO(csv_rows(150)), "ds.csv")
    assert message.startswith("Tệp (") and "100 dòng" in message


def test_the_upload_handler_stops_storing_past_the_limit_and_keeps_the_real_size(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    handler = uploads.SizeLimitedUploadHandler()
    handler.new_file("file", "ds.csv", "text/csv", 5000)
    for start in range(0, 5000, 500):
        handler.receive_data_chunk(b"x" * 500, start)
    stored = handler.file_complete(5000)
    try:
        assert stored.size == 5000 and len(stored.read()) == 1001  # one byte past tells the size
        with pytest.raises(UploadRefused, match="too large"):
            uploads.check_size(stored)
    finally:
        stored.close()


# --- PDF -----------------------------------------------------------------------------------------
def _in_thread(function, *args):
    """``function(*args)`` in a thread, given 30 s: a loop in a PDF reader fails the test
    instead of hanging the run."""
    outcome = {}
    language = translation.get_language()  # the thread's own is the default's

    def target():
        try:
            with translation.override(language):
                outcome["value"] = function(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "reading the PDF did not finish"
    return outcome


def test_a_pdf_whose_page_tree_loops_is_refused():
    outcome = _in_thread(uploads.check_pdf, cyclic_pdf())
    assert isinstance(outcome.get("error"), UploadRefused)
    assert "refers back to itself" in outcome["error"].message


def test_pyhanko_reading_the_cyclic_pdf_ends():
    """What the signing code does with the page tree, on the cyclic file: it ends (with an
    error), it does not loop. The upload check refuses the file before it gets there."""
    from congdoan.documents import signing

    data = cyclic_pdf()
    assert _in_thread(signing.page_count, data)["value"] == 1  # /Count alone sees nothing wrong
    assert "error" in _in_thread(signing._reader(data).find_page_for_modification, 1)


def test_a_readable_pdf_passes_with_its_page_count():
    pages = [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * 2
    data = pdf_from_objects(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>"]
        + pages
    )
    assert uploads.check_pdf(data) == 2
    with pytest.raises(UploadRefused, match="not a PDF"):
        uploads.check_pdf(b"PK\x03\x04 a zip")


# --- clean-up ------------------------------------------------------------------------------------
def test_files_stored_before_a_failure_are_removed(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path

    class Stored:  # what a FieldFile offers the helper
        def __init__(self, name):
            self.name = default_storage.save(name, ContentFile(b"x"))

        def delete(self, save=True):
            default_storage.delete(self.name)

    with pytest.raises(RuntimeError), uploads.removed_on_failure() as keep:
        keep(Stored("a.txt"))
        keep(Stored("b.txt"))
        raise RuntimeError("the database refused the row")
    assert not list(tmp_path.rglob("*.txt"))
    with uploads.removed_on_failure() as keep:
        keep(Stored("c.txt"))
    assert [p.name for p in tmp_path.rglob("*.txt")] == ["c.txt"]


# --- every other upload --------------------------------------------------------------------------
def test_the_attendance_import_reports_a_file_over_the_limits(small_limits, admin_user):
    from congdoan.skills.importing import import_skill_records

    result = import_skill_records(admin_user, io.BytesIO(csv_rows(150)), "diem-danh.csv")
    assert result.errors == [(0, refusal(io.BytesIO(csv_rows(150)), "diem-danh.csv"))]
    assert "more than 100 rows" in result.errors[0][1]


def test_a_course_material_over_the_limit_is_refused_by_its_form(settings):
    from congdoan.skills.forms import MaterialForm

    settings.UPLOAD_MAX_BYTES = 1000
    form = MaterialForm({"title": "Bài giảng"}, {"file": SimpleUploadedFile("a.pdf", b"x" * 2000)})
    assert not form.is_valid() and "too large" in " ".join(form.errors["file"])


def test_every_upload_field_is_limited():
    """Each place that accepts a file is held to the limits; a new one must be added here (and to
    its check) deliberately. Found by searching the code as the review did."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "congdoan"
    found = set()
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        if re.search(r"FileField\(|UploadedFile\]|request\.FILES", text):
            found.add(str(path.relative_to(root)))
    assert found == {
        "documents/api.py",  # create (services.pdf_content, attachments), verify: check_size
        "documents/forms.py",  # FileField: validate_upload_size
        "documents/models.py",  # stored after services.pdf_content
        "documents/views.py",  # the forms above
        "knowledge/forms.py",  # AttachmentForm: validate_upload_size
        "knowledge/models.py",  # Attachment.file, services.add_attachment: check_size
        "knowledge/views.py",  # AttachmentForm → services.add_attachment
        "members/api.py",  # importing.start_job: spreadsheets.check_file
        "members/forms.py",  # ImportForm → importing.start_job
        "members/models.py",  # ImportJob.file, stored after check_file
        "members/views.py",  # ImportForm → importing.start_job
        "skills/forms.py",  # MaterialForm: validate_upload_size
        "skills/models.py",  # CourseMaterial.file, services.add_material: check_size
        "skills/views/courses.py",  # MaterialForm
    }
