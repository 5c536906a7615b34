"""Builds ``official_roster_source.xlsx``: a grassroots union's roster on the official form
(title lines, "DANH SÁCH ĐOÀN VIÊN", a merged "Ngày sinh" header over "Nam" / "Nữ", a row of
column numbers, members with and without an identity number, names in capitals, a year-only
birth, a "03/2015" joining date, a "Trình độ" column, then the footer with the signatures).

The files the tests read were made from it by LibreOffice, as an officer's office suite would:

    python tests/members/files/make_official_roster.py
    cd tests/members/files
    soffice --headless --convert-to ods official_roster_source.xlsx
    mv official_roster_source.ods official_roster.ods
    soffice --headless --convert-to xlsx official_roster.ods      # official_roster.xlsx
    soffice --headless --convert-to csv:"Text - txt - csv (StarCalc)":44,34,76 official_roster.ods
"""

from __future__ import annotations

import datetime
from pathlib import Path

import xlsxwriter


def cccd(province: str, gender: str, year: int, serial: int) -> str:
    digit = (0 if year < 2000 else 2) + (1 if gender == "female" else 0)
    return f"{province}{digit}{year % 100:02d}{serial:06d}"


D = datetime.date
# (name, gender, birth (date, "dd/mm/yyyy" text, a bare year as text or number), identity
# number (text, a number that lost its leading zeros, or none), ethnic group, "Trình độ",
# job title, joined)
MEMBERS = [
    (
        "Nguyễn Văn An",
        "male",
        D(1988, 3, 15),
        cccd("022", "male", 1988, 101),
        "Kinh",
        "12/12",
        "Công nhân khai thác",
        D(2010, 6, 1),
    ),
    (
        "Trần Thị Bích",
        "female",
        "22/07/1992",
        cccd("022", "female", 1992, 102),
        "Kinh",
        "12/12",
        "Kế toán viên",
        "03/2015",
    ),
    (
        "LÊ VĂN CƯỜNG",
        "male",
        "1990",
        cccd("036", "male", 1990, 103),
        "Kinh",
        "9/12",
        "Thợ cơ khí",
        D(2012, 9, 1),
    ),
    (
        "Phạm Thị Dung",
        "female",
        D(1995, 11, 2),
        "",
        "Tày",
        "12/12",
        "Nhân viên văn phòng",
        D(2018, 1, 15),
    ),
    ("HOÀNG THỊ HẠNH", "female", 1985, "", "Kinh", "9/12", "Công nhân sàng tuyển", D(2008, 4, 1)),
    (
        "Đỗ Minh Đức",
        "male",
        D(1991, 8, 20),
        int(cccd("001", "male", 1991, 106)),
        "Kinh",
        "12/12",
        "Kỹ sư mỏ",
        D(2014, 7, 1),
    ),
    (
        "Vũ Thị Thu Hà",
        "female",
        D(1993, 5, 9),
        cccd("022", "female", 1993, 107),
        "Kinh",
        "12/12",
        "Thủ kho",
        D(2016, 2, 1),
    ),
    ("Bùi Văn Hải", "male", D(1987, 12, 30), "", "Mường", "9/12", "Lái xe", D(2011, 3, 1)),
    (
        "Ngô Thị Lan",
        "female",
        "05/01/1998",
        cccd("030", "female", 1998, 109),
        "Kinh",
        "12/12",
        "Nhân viên y tế",
        D(2020, 10, 1),
    ),
    (
        "Đặng Quốc Khánh",
        "male",
        D(1989, 6, 1),
        cccd("022", "male", 1989, 110),
        "Kinh",
        "12/12",
        "Tổ trưởng",
        D(2009, 5, 1),
    ),
    ("Lý Thị Mai", "female", "1995", "", "Sán Dìu", "9/12", "Công nhân", "09/2019"),
    (
        "Trịnh Văn Nam",
        "male",
        D(2001, 2, 14),
        cccd("038", "male", 2001, 112),
        "Kinh",
        "12/12",
        "Công nhân",
        D(2021, 8, 1),
    ),
    (
        "ĐINH THỊ OANH",
        "female",
        D(1990, 9, 9),
        cccd("022", "female", 1990, 113),
        "Kinh",
        "12/12",
        "Thủ quỹ",
        D(2013, 1, 1),
    ),
    (
        "Mai Văn Phúc",
        "male",
        D(1986, 4, 25),
        cccd("034", "male", 1986, 114),
        "Kinh",
        "12/12",
        "Thợ điện",
        "03/2015",
    ),
    (
        "Cao Thị Quỳnh",
        "female",
        D(1999, 7, 7),
        cccd("022", "female", 1999, 115),
        "Nùng",
        "12/12",
        "Nhân viên",
        D(2022, 3, 1),
    ),
]
HEADERS = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    None,
    "Dân tộc",
    "Số CCCD",
    "Trình độ",
    "Chức vụ",
    "Ngày vào Công đoàn",
    "Ghi chú",
]


def build(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("DS doan vien")
    bold = book.add_format(
        {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1}
    )
    title = book.add_format({"bold": True, "align": "center"})
    italic = book.add_format({"italic": True, "align": "center"})
    cell = book.add_format({"border": 1})
    day = book.add_format({"border": 1, "num_format": "dd/mm/yyyy"})
    sheet.merge_range("A1:D1", "LIÊN ĐOÀN LAO ĐỘNG TỈNH QUẢNG NINH", title)
    sheet.merge_range("F1:J1", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", title)
    sheet.merge_range("A2:D2", "CÔNG ĐOÀN CƠ SỞ CÔNG TY CP THAN HÀ LẦM", title)
    sheet.merge_range("F2:J2", "Độc lập - Tự do - Hạnh phúc", title)
    sheet.merge_range("A4:J4", "DANH SÁCH ĐOÀN VIÊN", title)
    sheet.merge_range("A5:J5", "(Kèm theo Báo cáo số 12/BC-CĐCS ngày 15/11/2026)", italic)
    # Header rows 7–8: "Ngày sinh" merged over "Nam" / "Nữ"; the other titles span both rows.
    for col, text in enumerate(HEADERS):
        if col in (2, 3):
            continue
        sheet.merge_range(6, col, 7, col, text, bold)
    sheet.merge_range("C7:D7", "Ngày sinh", bold)
    sheet.write("C8", "Nam", bold)
    sheet.write("D8", "Nữ", bold)
    for col in range(len(HEADERS)):
        sheet.write(8, col, f"({col + 1})", italic)
    row = 9
    for n, (name, gender, born, number, ethnic, level, job, joined) in enumerate(MEMBERS, start=1):
        sheet.write_number(row, 0, n, cell)
        sheet.write_string(row, 1, name, cell)
        col = 2 if gender == "male" else 3
        sheet.write_blank(row, 5 - col, None, cell)
        if isinstance(born, datetime.date):
            sheet.write_datetime(row, col, datetime.datetime.combine(born, datetime.time()), day)
        elif isinstance(born, int):
            sheet.write_number(row, col, born, cell)
        else:
            sheet.write_string(row, col, born, cell)
        sheet.write(row, 4, ethnic, cell)
        if isinstance(number, int):
            sheet.write_number(row, 5, number, cell)
        else:
            sheet.write_string(row, 5, number, cell)
        sheet.write_string(row, 6, level, cell)
        sheet.write_string(row, 7, job, cell)
        if isinstance(joined, datetime.date):
            sheet.write_datetime(row, 8, datetime.datetime.combine(joined, datetime.time()), day)
        else:
            sheet.write_string(row, 8, joined, cell)
        sheet.write_blank(row, 9, None, cell)
        row += 1
    men = sum(1 for m in MEMBERS if m[1] == "male")
    row += 1
    sheet.merge_range(
        row, 0, row, 4, f"Tổng số: {len(MEMBERS)} đoàn viên (Nam: {men}, Nữ: {len(MEMBERS) - men})"
    )
    row += 2
    sheet.merge_range(row, 6, row, 9, "Hạ Long, ngày 15 tháng 11 năm 2026", italic)
    row += 1
    sheet.merge_range(row, 0, row, 3, "NGƯỜI LẬP BIỂU", title)
    sheet.merge_range(row, 6, row, 9, "TM. BAN CHẤP HÀNH", title)
    row += 1
    sheet.merge_range(row, 0, row, 3, "(Ký, ghi rõ họ tên)", italic)
    sheet.merge_range(row, 6, row, 9, "CHỦ TỊCH", title)
    row += 4
    sheet.merge_range(row, 0, row, 3, "Phạm Thị Lan", title)
    sheet.merge_range(row, 6, row, 9, "Vũ Văn Hùng", title)
    sheet.set_column("B:B", 24)
    sheet.set_column("C:D", 12)
    sheet.set_column("F:F", 15)
    sheet.set_column("H:H", 22)
    book.close()


if __name__ == "__main__":
    build(Path(__file__).with_name("official_roster_source.xlsx"))
