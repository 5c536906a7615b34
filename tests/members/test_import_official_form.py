"""Import of the roster form grassroots unions really send (issue 13): a merged "Ngày sinh"
over "Nam" / "Nữ", column numbers under the header, the footer with its signatures, year-only
births, "mm/yyyy" joining dates, names in capitals, rows without an identity number, columns
the importer does not know; and the batch path through the services, named for the officer
who commits.

The files in ``files/`` were written by LibreOffice (see ``files/make_official_roster.py``)."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from congdoan.common import cccd
from congdoan.members import exports, importing
from congdoan.members.choices import Gender, ImportStatus
from congdoan.members.importing import columns
from congdoan.members.models import ImportJob, Member

from .test_import import run, upload, xlsx_bytes

FILES = Path(__file__).parent / "files"
FORMS = ["official_roster.xlsx", "official_roster.ods", "official_roster.csv"]
SIGNERS = ["Phạm Thị Lan", "Vũ Văn Hùng"]


def form(name: str) -> bytes:
    return (FILES / name).read_bytes()


def test_detection_splits_the_birth_columns_under_the_merged_header():
    detected = importing.detect(str(FILES / "official_roster.xlsx"), "official_roster.xlsx")
    assert detected.header_row == 7
    assert detected.mapping["date_of_birth_male"] == 2
    assert detected.mapping["date_of_birth_female"] == 3
    assert "date_of_birth" not in detected.mapping


@pytest.mark.parametrize("name", FORMS)
def test_dry_run_of_the_official_form(tree, officer_a, name):
    job = run(officer_a, tree.gr_a1, form(name), name=name)
    assert job.status == ImportStatus.CHECKED, job.message
    # 15 members; the Nam/Nữ row and the "(1) (2) …" row are header, the footer is not read.
    assert (job.total, job.created, job.rejected) == (15, 15, 0), job.errors
    assert job.report["table_end"] == 24 and job.report["footer_row"] == 26
    assert job.report["footer"].startswith("Tổng số: 15 đoàn viên")
    unmapped = {c["header"]: c["suggestion"] for c in job.report["unmapped"]}
    assert unmapped["Trình độ"] == "education_level"
    assert not Member.objects.exists()


def test_import_of_the_official_form_and_again(tree, officer_a):
    job = run(officer_a, tree.gr_a1, form("official_roster.xlsx"), dry_run=False)
    assert (job.created, job.rejected) == (15, 0), job.errors
    members = {m.full_name: m for m in Member.objects.all()}
    assert not {"Tổng số", *SIGNERS} & set(members)
    assert all(m.gender for m in members.values())
    assert members["Trần Thị Bích"].gender == Gender.FEMALE
    assert members["Trần Thị Bích"].date_of_birth == datetime.date(1992, 7, 22)
    assert members["Trần Thị Bích"].joined_on == datetime.date(2015, 3, 1)  # "03/2015"
    assert members["Nguyễn Văn An"].gender == Gender.MALE
    cuong = members["Lê Văn Cường"]  # typed "LÊ VĂN CƯỜNG", born "1990"
    assert (cuong.date_of_birth, cuong.birth_year_only) == (datetime.date(1990, 1, 1), True)
    assert cuong.birth_display == "1990"
    hanh = members["Hoàng Thị Hạnh"]  # 1985 as a number in the women's column
    assert (hanh.date_of_birth.year, hanh.birth_year_only, hanh.gender) == (1985, True, "female")
    assert members["Đỗ Minh Đức"].cccd == "001091000106"

    again = run(
        officer_a,
        tree.gr_a1,
        form("official_roster.ods"),
        name="official_roster.ods",
        dry_run=False,
    )
    assert (again.created, again.unchanged, again.rejected) == (0, 15, 0), again.errors
    assert Member.objects.count() == 15


def test_a_birth_in_the_wrong_column_is_checked_against_the_identity_number(tree, officer_a):
    rows = [
        ["STT", "Họ và tên", "Ngày sinh", None, "Số CCCD"],
        [None, None, "Nam", "Nữ", None],
        [1, "Trần Thị Bích", None, "22/07/1992", cccd.make("022", "male", 1992, 5)],
        [2, "Lê Thị Hoa", None, "10/10/1991", cccd.make("022", "female", 1991, 6)],
    ]
    job = run(officer_a, tree.gr_a1, xlsx_bytes(rows))
    assert job.created == 1 and job.rejected == 1
    assert [e["row"] for e in job.errors] == [3] and job.errors[0]["field"] == "cccd"


def test_a_date_in_both_columns_is_refused_and_a_gender_column_must_agree(tree, officer_a):
    rows = [
        ["Họ và tên", "Giới tính", "Ngày sinh", None],
        [None, None, "Nam", "Nữ"],
        ["Lê Văn A", None, "01/01/1990", "01/01/1990"],
        ["Lê Văn B", "Nam", None, "01/01/1990"],
    ]
    job = run(officer_a, tree.gr_a1, xlsx_bytes(rows))
    assert job.rejected == 2
    assert {e["row"]: e["field"] for e in job.errors} == {3: "date_of_birth", 4: "gender"}


@pytest.mark.parametrize("year", ["1990", 1990, 1990.0])
def test_a_bare_year_of_birth_stays_a_year(tree, officer_a, year):
    number = cccd.make("022", "male", 1990, 7)
    rows = [
        ["Họ và tên", "Giới tính", "Năm sinh", "Số CCCD"],
        ["NGUYỄN VĂN AN", "Nam", year, number],
    ]
    job = run(officer_a, tree.gr_a1, xlsx_bytes(rows), dry_run=False)
    assert job.created == 1, job.errors
    member = Member.objects.get()
    assert member.full_name == "Nguyễn Văn An"
    assert (member.date_of_birth, member.birth_year_only) == (datetime.date(1990, 1, 1), True)
    exported = next(exports.rows(Member.objects.all(), dates_as_text=True))
    assert 1990 in exported and "01/01/1990" not in exported


def test_rows_without_identity_number_are_matched_by_name_and_birth(tree, officer_a):
    rows = [
        ["Họ và tên", "Giới tính", "Ngày sinh"],
        ["Phạm Thị Dung", "Nữ", "02/11/1995"],
        ["Bùi Văn Hải", "Nam", "1987"],
        ["Ngô Văn Tư", "Nam", None],
    ]
    first = run(officer_a, tree.gr_a1, xlsx_bytes(rows), dry_run=False)
    assert first.created == 3
    rows[1][0] = "PHẠM THỊ DUNG"
    again = run(officer_a, tree.gr_a1, xlsx_bytes(rows), dry_run=False)
    assert (again.created, again.unchanged) == (0, 3), again.errors
    assert Member.objects.count() == 3


def test_footer_ends_the_table(tree, officer_a):
    rows = [
        ["STT", "Họ và tên", "Ngày sinh"],
        ["(1)", "(2)", "(3)"],
        [1, "Lê Văn An", "01/01/1990"],
        ["Tổng số: 1 đoàn viên"],
        [None, None, "Hạ Long, ngày 1 tháng 1 năm 2026"],
        ["NGƯỜI LẬP BIỂU", None, "TM. BAN CHẤP HÀNH"],
        ["(Ký, ghi rõ họ tên)"],
        ["Phạm Thị Lan", None, "Vũ Văn Hùng"],
    ]
    job = run(officer_a, tree.gr_a1, xlsx_bytes(rows))
    assert (job.total, job.created, job.rejected) == (1, 1, 0), job.errors
    assert (job.report["table_end"], job.report["footer_row"]) == (3, 4)


@pytest.mark.parametrize(
    "cells,footer",
    [
        (["Tổng số: 12 đoàn viên"], True),
        (["Cộng", 12], True),
        ([None, "Hà Nội, ngày … tháng … năm 2026"], True),
        (["TM. BAN CHẤP HÀNH"], True),
        (["(Ký, ghi rõ họ tên)"], True),
        ([3, "Tổng Văn Hải"], False),
        (["Tổng Văn Hải", "Nam"], False),
        (["Công Thị Lan"], False),
    ],
)
def test_footer_lines(cells, footer):
    assert (columns.footer_text(cells) is not None) is footer


def test_the_committing_officer_is_named_in_the_history(tree, officer_a, zone_admin):
    job = run(officer_a, tree.gr_a1, form("official_roster.xlsx"))
    job = importing.rerun_job(job, actor=zone_admin, dry_run=False, background=False)
    assert job.created == 15 and job.committed_by == zone_admin
    users = {h.history_user_id for h in Member.history.all()}
    assert users == {zone_admin.pk}


def test_an_error_of_the_platform_is_not_swallowed(tree, officer_a, monkeypatch):
    def broken(self, prepared, rows):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(importing.Importer, "_apply", broken)
    with pytest.raises(ZeroDivisionError):
        run(officer_a, tree.gr_a1, form("official_roster.xlsx"), dry_run=False)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED and "a bug" not in job.message
    assert not Member.objects.exists()


def test_command_maps_columns(tree, admin_user):
    out = io.StringIO()
    path = FILES / "official_roster.xlsx"
    call_command("import_members", str(path), unit="GR-A1", dry_run=True, stdout=out)
    text = out.getvalue()
    assert "table ends at row 24" in text and "'Trình độ' not imported" in text
    call_command(
        "import_members", str(path), unit="GR-A1", map=["Trình độ=education_level"], stdout=out
    )
    assert Member.objects.count() == 15
    assert Member.objects.get(full_name="Lê Văn Cường").education_level == "lower_secondary"


def test_mapping_page_shows_the_split_columns(tree, officer_a, client_for):
    job = run(officer_a, tree.gr_a1, form("official_roster.xlsx"))
    page = client_for(officer_a).get(f"/members/imports/{job.pk}/").content.decode()
    assert "Ngày sinh (Nữ)" in page and "Ngày sinh (Nam)" in page
    assert 'value="date_of_birth_female" selected' in page
    assert 'data-testid="table-end"' in page and "Trình độ" in page
    # Correcting the mapping keeps the split columns.
    response = client_for(officer_a).post(
        f"/members/imports/{job.pk}/run/",
        {
            "col_1": "full_name",
            "col_2": "date_of_birth_male",
            "col_3": "date_of_birth_female",
            "col_5": "cccd",
            "col_6": "education_level",
        },
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.created == 15 and job.mapping["education_level"] == 6


def test_an_upload_keeps_its_name(tree, officer_a):
    job = importing.start_job(
        officer_a,
        tree.gr_a1,
        upload(form("official_roster.csv"), "ds.csv"),
        dry_run=True,
        background=False,
    )
    assert job.created == 15


def test_the_api_gives_the_dry_run_report(tree, officer_a, api_client_for):
    job = run(officer_a, tree.gr_a1, form("official_roster.xlsx"))
    body = api_client_for(officer_a).get(f"/api/v1/members/imports/{job.pk}").json()
    assert body["report"]["footer_row"] == 26
    assert body["report"]["unmapped"][0]["header"] == "Trình độ"


def test_a_year_only_birth_stays_one_through_merge_and_edits(tree, officer_a):
    from congdoan.members import services

    from .conftest import member_fields

    keep = services.admit_member(
        officer_a, tree.gr_a1, **member_fields(1, cccd="", phone="", date_of_birth=None)
    )
    dup = services.admit_member(
        officer_a,
        tree.gr_a2,
        **member_fields(1, cccd="", date_of_birth=datetime.date(1990, 1, 1), birth_year_only=True),
    )
    merged = services.merge_duplicates(officer_a, keep, dup)
    assert merged.birth_display == "1990"
    # A new full date given without the flag (the API) is a full date.
    edited = services.update_member(officer_a, merged, date_of_birth=datetime.date(1990, 5, 17))
    assert edited.birth_display == "17/05/1990"


def test_command_refuses_a_unit_without_members_clearly(tree, admin_user):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="grassroots union"):
        call_command(
            "import_members", str(FILES / "official_roster.csv"), unit="ZONE", dry_run=True
        )


def test_rejected_rows_file_names_the_split_columns(tree, officer_a, tmp_path):
    from congdoan.common.spreadsheets import read_rows

    rows = [
        ["STT", "Họ và tên", "Ngày sinh", None, "Số CCCD"],
        [None, None, "Nam", "Nữ", None],
        [1, "Trần Thị Bích", None, "22/07/1992", cccd.make("022", "male", 1992, 5)],
    ]
    job = run(officer_a, tree.gr_a1, xlsx_bytes(rows))
    target = tmp_path / "rejected.xlsx"
    with open(target, "wb") as handle:
        importing.rejected_rows_xlsx(job, handle)
    header = next(cells for _n, cells in read_rows(str(target), "rejected.xlsx"))
    assert header[2:4] == ["Ngày sinh (Nam)", "Ngày sinh (Nữ)"]


def test_the_api_says_when_only_the_year_of_birth_is_known(tree, officer_a, api_client_for):
    rows = [["Họ và tên", "Giới tính", "Năm sinh"], ["Lê Văn An", "Nam", 1990]]
    run(officer_a, tree.gr_a1, xlsx_bytes(rows), dry_run=False)
    member = Member.objects.get()
    body = api_client_for(officer_a).get(f"/api/v1/members/{member.pk}").json()
    assert (body["date_of_birth"], body["birth_year_only"]) == ("1990-01-01", True)
