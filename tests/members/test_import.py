"""Spreadsheet import: header detection, mapping, normalisation, row numbers, dry run,
commit, idempotent re-import, interruption, rejected rows."""

import codecs
import datetime
import io
import logging
import unicodedata

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from congdoan.common import cccd
from congdoan.common.spreadsheets import cell_date, cell_text, read_rows
from congdoan.members import importing
from congdoan.members.choices import ImportStatus
from congdoan.members.models import ImportJob, Member
from congdoan.org import services as org_services
from congdoan.org.choices import Role
from congdoan.org.models import RoleAssignment

AN = cccd.make("022", "male", 1990, 11)
AN_FEMALE = cccd.make("022", "female", 1992, 12)
BINH = cccd.make("001", "female", 2001, 12)
CUONG = cccd.make("022", "male", 1985, 13)


def xlsx_bytes(rows: list[list], date_rows=()) -> bytes:
    """A workbook whose first sheet holds ``rows`` from A1 (None = empty cell)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime.date):
                sheet.write_datetime(
                    r, c, datetime.datetime.combine(value, datetime.time()), date_format
                )
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    workbook.close()
    return buffer.getvalue()


def officer_file() -> bytes:
    """What a grassroots union sends: two title rows, a blank row, headers, data, a blank row."""
    return xlsx_bytes(
        [
            ["CÔNG ĐOÀN CƠ SỞ CÔNG TY TNHH ĐÔNG BẮC"],
            ["DANH SÁCH ĐOÀN VIÊN NĂM 2026"],
            [],
            [
                "STT",
                "Họ và tên",
                "Giới tính",
                "Ngày sinh",
                "Số CCCD",
                "Số điện thoại",
                "Dân tộc",
                "Tôn giáo",
                "Trình độ văn hoá",
                "Trình độ chuyên môn",
                "Chức vụ",
                "Ngày vào Công đoàn",
            ],
            [
                1,
                unicodedata.normalize("NFD", "Nguyễn Văn An"),
                "Nam",
                32994,
                int(AN),
                "0912345678",
                "Kinh",
                "Không",
                "12/12",
                "Đại học",
                "Kỹ sư",
                "01/03/2015",
            ],
            [
                2,
                "Trần Thị Bình",
                "Nữ",
                datetime.date(2001, 2, 3),
                int(BINH),
                "912 345 679",
                "Tày",
                "Phật giáo",
                "12/12",
                "Cao đẳng",
                "Công nhân",
                "2020-07-01",
            ],
            [],
            [
                3,
                "Lê Văn Cường",
                "Nam",
                "15-06-1985",
                CUONG,
                "12345",
                "Kinh",
                "Không",
                "9/12",
                "Sơ cấp",
                "Thợ hàn",
                "",
            ],
            [4, "Phạm Thị Dung", "Nữ", "31/02/1990", "", "", "Kinh", "", "", "", "", ""],
            [5, "Hoàng Văn Em", "Nam", "01/01/1990", int(AN), "", "Kinh", "", "", "", "", ""],
        ]
    )


def upload(data: bytes, name: str = "doan-vien.xlsx"):
    return SimpleUploadedFile(name, data)


def run(actor, unit, data, name="doan-vien.xlsx", dry_run=True):
    return importing.start_job(actor, unit, upload(data, name), dry_run=dry_run, background=False)


def errors_by_row(job):
    found = {}
    for e in job.errors:
        found.setdefault(e["row"], []).append(e)
    return found


def test_header_detection_below_titles():
    detected = importing.detect(io.BytesIO(officer_file()), "x.xlsx")
    assert detected.header_row == 4
    assert {
        "full_name",
        "gender",
        "date_of_birth",
        "cccd",
        "phone",
        "ethnicity",
        "religion",
        "education_level",
        "qualification",
        "job_title",
        "joined_on",
    } <= set(detected.mapping)
    assert detected.mapping["full_name"] == 1


@pytest.mark.parametrize(
    "header,field",
    [
        ("Họ và tên", "full_name"),
        ("Ho ten", "full_name"),
        ("HỌ TÊN", "full_name"),
        ("Full name", "full_name"),
        ("Ngày sinh", "date_of_birth"),
        ("Date of birth", "date_of_birth"),
        ("Số CCCD", "cccd"),
        ("Số định danh", "cccd"),
        ("So dinh danh ca nhan", "cccd"),
        ("Số CCCD/CMND", "cccd"),
        ("Giới tính", "gender"),
        ("Số điện thoại", "phone"),
        ("SĐT", "phone"),
        ("Phone", "phone"),
        ("Số thẻ đoàn viên", "card_number"),
        ("Dân tộc", "ethnicity"),
        ("Ngày vào công đoàn", "joined_on"),
    ],
)
def test_header_aliases(header, field):
    assert importing.map_headers(["STT", header, "Ghi chú"]) == {field: 1}


def test_dry_run_reports_rows_with_spreadsheet_numbers(tree, officer_a):
    job = run(officer_a, tree.gr_a1, officer_file())
    assert job.status == ImportStatus.CHECKED
    assert (job.total, job.created, job.updated, job.unchanged, job.rejected) == (5, 2, 0, 0, 3)
    rows = errors_by_row(job)
    assert set(rows) == {8, 9, 10}  # title, blank and header rows counted; blank row 7 skipped
    assert rows[8][0]["field"] == "phone"
    assert rows[9][0]["field"] == "date_of_birth"
    assert "row 5" in rows[10][0]["message"] and rows[10][0]["field"] == "cccd"
    assert not Member.objects.exists()


def test_commit_writes_valid_rows_normalised(tree, officer_a):
    job = run(officer_a, tree.gr_a1, officer_file(), dry_run=False)
    assert job.status == ImportStatus.DONE and job.created == 2 and job.rejected == 3
    an = Member.objects.get(cccd=AN)
    assert an.full_name == "Nguyễn Văn An" and unicodedata.is_normalized("NFC", an.full_name)
    assert an.date_of_birth == datetime.date(1990, 5, 1)  # Excel serial 32994
    assert an.joined_on == datetime.date(2015, 3, 1)
    assert an.phone == "+84912345678" and an.ethnicity == "01" and an.qualification == "university"
    assert an.card_number and an.history.get().history_change_reason == "imported"
    binh = Member.objects.get(cccd=BINH)
    assert binh.cccd.startswith("001") and binh.gender == "female" and binh.ethnicity == "02"


def test_reimport_is_idempotent_and_updates_changes(tree, officer_a):
    run(officer_a, tree.gr_a1, officer_file(), dry_run=False)
    again = run(officer_a, tree.gr_a1, officer_file(), dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Member.objects.count() == 2
    changed = xlsx_bytes(
        [
            ["Họ tên", "Số định danh", "Chức vụ"],
            ["Nguyễn Văn An", AN, "Tổ trưởng"],
        ]
    )
    job = run(officer_a, tree.gr_a1, changed, dry_run=False)
    assert (job.created, job.updated, job.unchanged, job.rejected) == (0, 1, 0, 0)
    an = Member.objects.get(cccd=AN)
    assert an.job_title == "Tổ trưởng" and an.version == 2 and an.phone == "+84912345678"
    # Matching by card number when the file has no identity number.
    by_card = xlsx_bytes(
        [["Full name", "Card number", "Job title"], ["Nguyễn Văn An", an.card_number, "Kỹ sư"]]
    )
    job = run(officer_a, tree.gr_a1, by_card, dry_run=False)
    assert job.updated == 1 and Member.objects.count() == 2


def test_member_of_another_unit_is_rejected(tree, officer_a, admin_user):
    run(admin_user, tree.gr_b1, officer_file(), dry_run=False)
    job = run(officer_a, tree.gr_a1, officer_file())
    messages = [e["message"] for e in job.errors]
    assert any("another unit" in m for m in messages)  # GR-B1 is outside officer_a's scope
    assert job.created == 0


def test_csv_encodings(tree, officer_a):
    text = "Ho ten;Gioi tinh;Ngay sinh;So CCCD\r\nNguyễn Văn An;nam;01/05/1990;" + AN[1:] + "\r\n"
    for data in (codecs.BOM_UTF8 + text.encode(), text.encode(), text.encode("utf-16")):
        job = run(officer_a, tree.gr_a1, data, name="ds.csv")
        assert (job.total, job.created, job.rejected) == (1, 1, 0), job.errors


def test_interrupted_import_leaves_whole_batches_and_can_run_again(tree, officer_a, monkeypatch):
    rows = [["Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD"]] + [
        [f"Người Thứ {i}", "Nam", "01/01/1990", cccd.make("022", "male", 1990, i)] for i in range(6)
    ]
    data = xlsx_bytes(rows)
    monkeypatch.setattr(importing.run, "BATCH_SIZE", 2)
    original = importing.Importer._write
    calls = {"n": 0}

    def failing_write(self, batch):
        calls["n"] += 1
        original(self, batch)
        if calls["n"] == 2:
            raise RuntimeError("power cut")

    monkeypatch.setattr(importing.Importer, "_write", failing_write)
    with pytest.raises(RuntimeError):  # not the file's fault: raised on, not swallowed
        run(officer_a, tree.gr_a1, data, dry_run=False)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert Member.objects.count() == 2  # the first batch; the second was rolled back whole
    monkeypatch.setattr(importing.Importer, "_write", original)
    job = run(officer_a, tree.gr_a1, data, dry_run=False)
    assert (job.created, job.unchanged) == (4, 2)
    assert Member.objects.count() == 6


def test_rejected_rows_spreadsheet(tree, officer_a, tmp_path):
    job = run(officer_a, tree.gr_a1, officer_file())
    target = tmp_path / "rejected.xlsx"
    importing.rejected_rows_xlsx(job, str(target))
    rows = [cells for _n, cells in read_rows(str(target), "rejected.xlsx")]
    assert rows[0][-2:] == ["Error", "Row in the original file"]
    assert [r[-1] for r in rows[1:]] == [8.0, 9.0, 10.0]
    assert "Phone" in rows[1][-2]


def test_missing_name_column_fails_clearly(tree, officer_a):
    job = run(officer_a, tree.gr_a1, xlsx_bytes([["Ngày sinh", "Số CCCD"], ["01/01/1990", AN]]))
    assert job.status == ImportStatus.FAILED and (
        "Full name" in job.message or "Họ và tên" in job.message
    )


def test_unreadable_file(tree, officer_a):
    """Refused at upload, before a job or a stored file exists (see test_import_limits)."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="does not match its extension"):
        run(officer_a, tree.gr_a1, b"not a spreadsheet", name="x.xlsx")
    with pytest.raises(ValidationError, match=r"\.pdf"):
        run(officer_a, tree.gr_a1, b"x", name="x.pdf")
    damaged = b"PK\x03\x04" + b"not a zip"  # a ZIP's signature, then nothing a reader can use
    with pytest.raises(ValidationError, match="damaged"):
        run(officer_a, tree.gr_a1, damaged, name="x.xlsx")


@pytest.mark.parametrize(
    "value,expected",
    [
        (32994, datetime.date(1990, 5, 1)),
        ("32994", datetime.date(1990, 5, 1)),
        ("01/05/1990", datetime.date(1990, 5, 1)),
        ("1-5-1990", datetime.date(1990, 5, 1)),
        ("1990-05-01", datetime.date(1990, 5, 1)),
        (datetime.datetime(1990, 5, 1, 0, 0), datetime.date(1990, 5, 1)),
        ("", None),
    ],
)
def test_dates(value, expected):
    assert cell_date(value) == expected


def test_import_command(tree, admin_user, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "ds.xlsx"
    path.write_bytes(officer_file())
    out = io.StringIO()
    call_command(
        "import_members",
        str(path),
        unit="GR-A1",
        dry_run=True,
        user=admin_user.username,
        stdout=out,
    )
    assert "rejected" in out.getvalue() and not Member.objects.exists()
    call_command("import_members", str(path), unit="GR-A1", user=admin_user.username, stdout=out)
    assert Member.objects.count() == 2


@pytest.mark.parametrize(
    "cells",
    [
        [
            "  nguyễn   văn\tAn ",
            " NAM ",
            " 01/05/1990 ",
            22090012345.0,
            " 0912.345.678 ",
            " An@Example.ORG ",
        ],
        [
            unicodedata.normalize("NFD", "Trần Thị Hoà"),
            "nữ",
            32994,
            "022190012345",
            "84203 3825 123",
            "",
        ],
        [
            "Lò Văn Páo",
            "Nam",
            datetime.datetime(1990, 5, 1),
            "  022 090 012 345 ",
            "+84912345678",
            "x@y.vn",
        ],
    ],
)
def test_parsed_values_are_already_normalised(tree, cells):
    """The import checks members with ``check_fields`` only: whatever the parser gives must be what
    ``normalise_fields`` would make of it, or a messy cell would be stored un-normalised."""
    from congdoan.members import services

    mapping = {"full_name": 0, "gender": 1, "date_of_birth": 2, "cccd": 3, "phone": 4, "email": 5}
    result = importing.parse_row(5, cells, mapping, {"groups": {}})
    member = Member(unit=tree.gr_a1, **result.values)
    before = {f.attname: getattr(member, f.attname) for f in Member._meta.concrete_fields}
    services.normalise_fields(member)
    after = {f.attname: getattr(member, f.attname) for f in Member._meta.concrete_fields}
    assert after == before
    assert result.values["full_name"] == unicodedata.normalize("NFC", result.values["full_name"])


def _people(count: int, start: int = 0) -> list[list]:
    return [["Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Chức vụ"]] + [
        [f"Người Thứ {i}", "Nữ", "02/03/1991", cccd.make("022", "female", 1991, i), "Công nhân"]
        for i in range(start, start + count)
    ]


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(importing.run, "BATCH_SIZE", 3)
    writers = []
    original = importing.BatchWriter.__init__

    def counting_init(self, importer):
        writers.append(self)
        original(self, importer)

    monkeypatch.setattr(importing.BatchWriter, "__init__", counting_init)
    return writers


@pytest.mark.django_db(transaction=True)
def test_large_import_writes_batches_while_reading_the_next(tree, officer_a, small_batches):
    """Outside a transaction on PostgreSQL the batches go to a writer with its own connection;
    the outcome is the one of the plain path: every row once, with its history and card."""
    job = run(officer_a, tree.gr_a1, xlsx_bytes(_people(10)), dry_run=False)
    assert job.status == ImportStatus.DONE, job.message
    assert (job.total, job.created, job.rejected, job.progress) == (10, 10, 0, 10)
    assert len(small_batches) == (1 if connection.vendor == "postgresql" else 0)
    members = list(Member.objects.order_by("full_name"))
    assert len(members) == 10 and len({m.card_number for m in members}) == 10
    assert all(
        m.history.count() == 1 and m.history.get().history_user_id == officer_a.pk for m in members
    )
    # The same file again, with two rows changed: nothing doubled, the two updated.
    rows = _people(10)
    rows[4][4] = rows[9][4] = "Tổ trưởng"
    job = run(officer_a, tree.gr_a1, xlsx_bytes(rows), dry_run=False)
    assert (job.created, job.updated, job.unchanged) == (0, 2, 8)
    assert Member.objects.count() == 10
    assert Member.objects.filter(job_title="Tổ trưởng").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_failing_batch_stops_the_writer_and_leaves_whole_batches(
    tree, officer_a, small_batches, monkeypatch
):
    original = importing.Importer._apply
    calls = {"n": 0}

    def failing_apply(self, prepared, rows):
        calls["n"] += 1
        original(self, prepared, rows)
        if calls["n"] == 2:
            raise RuntimeError("power cut")

    monkeypatch.setattr(importing.Importer, "_apply", failing_apply)
    data = xlsx_bytes(_people(10))
    with pytest.raises(RuntimeError):  # raised on (from the writer thread), not swallowed
        run(officer_a, tree.gr_a1, data, dry_run=False)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED and "power cut" not in job.message
    assert Member.objects.count() == 3  # the first batch; the second rolled back, no third
    monkeypatch.setattr(importing.Importer, "_apply", original)
    job = run(officer_a, tree.gr_a1, data, dry_run=False)
    assert (job.created, job.unchanged, job.rejected) == (7, 3, 0)


@pytest.mark.django_db(transaction=True)
def test_a_member_changed_during_the_import_is_not_overwritten(tree, officer_a, monkeypatch):
    from congdoan.members import services

    run(officer_a, tree.gr_a1, xlsx_bytes(_people(2)), dry_run=False)
    rows = _people(2)
    rows[1][4] = "Kế toán"
    first = Member.objects.get(full_name="Người Thứ 0")
    original = importing.Importer._match_and_validate

    def officer_edits_meanwhile(self, batch):
        original(self, batch)
        services.update_member(officer_a, first, version=first.version, job_title="Quản đốc")

    monkeypatch.setattr(importing.Importer, "_match_and_validate", officer_edits_meanwhile)
    rows[1][4] = rows[2][4] = "Kế toán"
    job = run(officer_a, tree.gr_a1, xlsx_bytes(rows), dry_run=False)
    assert (job.updated, job.rejected) == (1, 1)
    assert "changed by someone else" in job.errors[0]["message"]
    first.refresh_from_db()
    assert first.job_title == "Quản đốc"  # the officer's edit stands
    assert Member.objects.get(full_name="Người Thứ 1").job_title == "Kế toán"


def test_nul_characters_are_dropped_from_cells():
    assert cell_text("Nguyễn\x00 Văn An\x00\x00 ") == "Nguyễn Văn An"
    assert cell_text("\x00") == ""


def test_a_typed_card_number_is_not_issued_again_to_another_row(tree, officer_a):
    key = tree.gr_a1.path[:4]
    rows = _people(2)
    rows[0].append("Số thẻ")
    rows[1].append("")  # no card: one is issued
    rows[2].append(f"{key}00000001")  # the number the sequence would issue next
    job = run(officer_a, tree.gr_a1, xlsx_bytes(rows), dry_run=False)
    assert (job.status, job.created, job.rejected) == (ImportStatus.DONE, 2, 0), job.message
    cards = dict(Member.objects.values_list("full_name", "card_number"))
    assert cards == {"Người Thứ 1": f"{key}00000001", "Người Thứ 0": f"{key}00000002"}


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_csv_separator_found_below_a_title_line(tree, officer_a, separator):
    lines = [
        "DANH SÁCH ĐOÀN VIÊN CÔNG ĐOÀN CƠ SỞ, NĂM 2026",
        separator.join(["Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Số điện thoại"]),
        separator.join(["Nguyễn Thị Lan", "Nữ", "12/03/1992", AN_FEMALE, "0912 345 678"]),
        separator.join(["Trần Văn Bình", "Nam", "31/02/1990", "", "0987654321"]),
    ]
    job = run(officer_a, tree.gr_a1, "\r\n".join(lines).encode(), name="ds.csv")
    assert job.status == ImportStatus.CHECKED, job.message
    assert (job.header_row, job.total, job.created, job.rejected) == (2, 2, 1, 1)
    assert job.errors[0]["row"] == 4 and job.errors[0]["field"] == "date_of_birth"


@pytest.mark.parametrize("change", ["revoked", "viewer"])
def test_a_job_whose_officer_lost_the_role_before_it_ran_says_so(
    tree, officer_a, admin_user, caplog, change
):
    """The role is taken away (404 on the unit) or lowered (403) between the upload and the run
    in the background: the job fails with a message that says why, nothing written, and no
    traceback logged (it is not a fault of the code)."""
    job = importing.start_job(
        officer_a, tree.gr_a1, upload(officer_file()), dry_run=False, background=True
    )
    assert job.status == ImportStatus.QUEUED  # runs once the request's transaction commits
    org_services.revoke_role(admin_user, RoleAssignment.objects.get(user=officer_a))
    if change == "viewer":
        org_services.grant_role(admin_user, officer_a, tree.zone, Role.VIEWER)
    with caplog.at_level(logging.ERROR):
        importing.execute_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.finished_at is not None
    assert "officer_a no longer has a role that allows importing members into" in job.message
    assert tree.gr_a1.name in job.message
    assert not Member.objects.exists()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_member_renamed_by_an_import_is_found_by_the_new_given_name(tree, officer_a):
    """Both search keys follow the name (the given-name key was left as it was)."""
    number = cccd.make("022", "male", 1990, 5)
    rows = [["Họ và tên", "Số CCCD"], ["Nguyễn Văn An", number]]
    run(officer_a, tree.gr_a1, xlsx_bytes(rows), dry_run=False)
    rows[1][0] = "Nguyễn Văn Bình"
    job = run(officer_a, tree.gr_a1, xlsx_bytes(rows), dry_run=False)
    assert job.updated == 1
    assert list(Member.objects.search("binh").values_list("full_name", flat=True)) == [
        "Nguyễn Văn Bình"
    ]
    assert not Member.objects.search("an").exists()
