"""``congdoan import-skill-records``: offline attendance sheets."""

from __future__ import annotations

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from congdoan.skills.models import Attendance, SkillRecord


def _sheet(path, rows):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["DANH SÁCH ĐIỂM DANH LỚP KỸ NĂNG SỐ"])
    sheet.write_row(
        2, 0, ["STT", "Họ và tên", "Số CCCD", "Ngày sinh", "Mã lớp", "Ngày học", "Năng lực", "Bậc"]
    )
    for i, row in enumerate(rows, start=3):
        sheet.write_row(i, 0, row)
    book.close()
    return path


def test_import_attendance_and_records(tmp_path, session, members, officer_a):
    a, b = members["a1"][0], members["a2"][0]
    day = session.starts_on.strftime("%d/%m/%Y")
    path = _sheet(
        tmp_path / "diem-danh.xlsx",
        [
            [
                1,
                a.full_name,
                int(a.cccd),
                a.date_of_birth.strftime("%d/%m/%Y"),
                session.code,
                day,
                "4.2",
                2,
            ],
            [2, b.full_name, b.cccd, "", session.code, day, "", ""],
        ],
    )
    call_command("import_skill_records", str(path), user=officer_a.username)
    assert Attendance.objects.filter(session=session).count() == 2
    rec = SkillRecord.objects.get(member=a)
    assert (rec.competence.code, rec.step, rec.source) == ("4.2", 2, "import")
    # Importing the same sheet twice adds nothing.
    call_command("import_skill_records", str(path), user=officer_a.username)
    assert Attendance.objects.filter(session=session).count() == 2
    assert SkillRecord.objects.filter(member=a).count() == 1


def test_bad_row_writes_nothing(tmp_path, session, members, officer_a, capsys):
    a, outsider = members["a1"][0], members["b1"][0]
    day = session.starts_on.strftime("%d/%m/%Y")
    path = _sheet(
        tmp_path / "sai.xlsx",
        [
            [1, a.full_name, a.cccd, "", session.code, day, "", ""],
            [2, outsider.full_name, outsider.cccd, "", session.code, day, "", ""],
            [3, "X", "12345", "", session.code, day, "9.9", "12"],
        ],
    )
    with pytest.raises(CommandError):
        call_command("import_skill_records", str(path), user=officer_a.username)
    err = capsys.readouterr().err
    assert "row 5" in err and "row 6" in err
    assert not Attendance.objects.exists()


def test_sibling_officer_cannot_import(tmp_path, session, members, officer_b):
    a = members["a1"][0]
    path = _sheet(tmp_path / "x.xlsx", [[1, a.full_name, a.cccd, "", session.code, "", "", ""]])
    with pytest.raises(CommandError):
        call_command("import_skill_records", str(path), user=officer_b.username)
    assert not Attendance.objects.exists()
