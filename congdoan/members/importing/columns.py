"""Which column holds what: the importable fields, the headers (Vietnamese or English, with
or without accents) that name them, and finding the header row below any title rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congdoan.common.spreadsheets import UnreadableFile, cell_text, read_rows
from congdoan.common.text import fold

HEADER_SCAN_ROWS = 30

# Importable fields with their labels and the headers (folded) that name them.
FIELDS: dict[str, tuple] = {
    "full_name": (
        gettext_lazy("Full name"),
        [
            "ho va ten",
            "ho ten",
            "ho va ten doan vien",
            "ho ten doan vien",
            "full name",
            "name",
            "ten doan vien",
            "ho va ten khai sinh",
        ],
    ),
    "gender": (gettext_lazy("Gender"), ["gioi tinh", "gender", "sex", "nam nu", "phai"]),
    "date_of_birth": (
        gettext_lazy("Date of birth"),
        [
            "ngay sinh",
            "ngay thang nam sinh",
            "ngay thang sinh",
            "date of birth",
            "dob",
            "birth date",
            "birthday",
            "nam sinh",
            "sinh ngay",
        ],
    ),
    "cccd": (
        gettext_lazy("Citizen identity number"),
        [
            "so cccd",
            "cccd",
            "so can cuoc",
            "so can cuoc cong dan",
            "can cuoc cong dan",
            "so dinh danh",
            "so dinh danh ca nhan",
            "ma dinh danh",
            "can cuoc",
            "citizen id",
            "id number",
            "identity number",
            "national id",
            "so cmnd cccd",
            "cmnd cccd",
            "cccd cmnd",
            "so cccd cmnd",
        ],
    ),
    "phone": (
        gettext_lazy("Phone"),
        [
            "so dien thoai",
            "dien thoai",
            "sdt",
            "dt",
            "phone",
            "phone number",
            "mobile",
            "di dong",
            "dien thoai di dong",
        ],
    ),
    "email": (gettext_lazy("Email"), ["email", "e mail", "thu dien tu", "dia chi email"]),
    "ethnicity": (gettext_lazy("Ethnicity"), ["dan toc", "ethnicity", "ethnic group"]),
    "religion": (gettext_lazy("Religion"), ["ton giao", "religion"]),
    "education_level": (
        gettext_lazy("General education"),
        [
            "trinh do van hoa",
            "van hoa",
            "hoc van",
            "trinh do hoc van",
            "education",
            "education level",
            "trinh do giao duc pho thong",
            "giao duc pho thong",
        ],
    ),
    "qualification": (
        gettext_lazy("Professional qualification"),
        [
            "trinh do chuyen mon",
            "chuyen mon",
            "trinh do chuyen mon nghiep vu",
            "qualification",
            "trinh do dao tao",
        ],
    ),
    "job_title": (
        gettext_lazy("Job title"),
        [
            "chuc vu",
            "chuc danh",
            "nghe nghiep",
            "vi tri",
            "vi tri viec lam",
            "cong viec",
            "job title",
            "position",
            "job",
            "chuc vu nghe nghiep",
        ],
    ),
    "joined_on": (
        gettext_lazy("Joined the union on"),
        [
            "ngay vao cong doan",
            "ngay ket nap",
            "ngay gia nhap",
            "ngay ket nap cong doan",
            "ngay vao cd",
            "joined on",
            "date joined",
            "join date",
            "ngay gia nhap cong doan",
        ],
    ),
    "card_number": (
        gettext_lazy("Union card number"),
        [
            "so the",
            "so the doan vien",
            "so the cong doan",
            "ma the",
            "ma doan vien",
            "card number",
            "union card number",
            "card no",
        ],
    ),
    "group": (gettext_lazy("Union group"), ["to cong doan", "to", "union group", "group"]),
    "permanent_province": (
        gettext_lazy("Permanent address: province"),
        ["tinh thuong tru", "thuong tru tinh", "tinh thanh pho thuong tru", "permanent province"],
    ),
    "permanent_commune": (
        gettext_lazy("Permanent address: commune or ward"),
        [
            "xa thuong tru",
            "xa phuong thuong tru",
            "phuong xa thuong tru",
            "thuong tru xa",
            "permanent commune",
        ],
    ),
    "permanent_street": (
        gettext_lazy("Permanent address: street"),
        [
            "dia chi thuong tru",
            "thuong tru",
            "noi thuong tru",
            "ho khau thuong tru",
            "permanent address",
        ],
    ),
    "current_province": (
        gettext_lazy("Current address: province"),
        ["tinh hien nay", "tinh noi o", "tinh noi o hien nay", "current province"],
    ),
    "current_commune": (
        gettext_lazy("Current address: commune or ward"),
        ["xa hien nay", "xa noi o", "xa phuong noi o", "phuong xa noi o", "current commune"],
    ),
    "current_street": (
        gettext_lazy("Current address: street"),
        [
            "dia chi hien nay",
            "noi o hien nay",
            "cho o hien nay",
            "noi o",
            "tam tru",
            "dia chi",
            "current address",
            "address",
        ],
    ),
}
REQUIRED_COLUMNS = ("full_name",)


def field_label(name: str) -> str:
    return str(FIELDS[name][0]) if name in FIELDS else name


def _match_field(header: str) -> tuple[str | None, int]:
    key = fold(header)
    if not key:
        return None, 0
    best, score = None, 0
    for name, (_label, aliases) in FIELDS.items():
        for alias in aliases:
            if key == alias:
                s = 1000 + len(alias)
            elif len(alias) >= 3 and f" {alias} " in f" {key} ":
                s = len(alias)
            else:
                continue
            if s > score:
                best, score = name, s
    return best, score


def map_headers(cells: list) -> dict[str, int]:
    """{field: column index} for one header row; each field and column used once, best match first."""
    candidates = []
    for index, cell in enumerate(cells):
        name, score = _match_field(cell_text(cell))
        if name:
            candidates.append((score, index, name))
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for _score, index, name in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if name not in mapping and index not in used:
            mapping[name] = index
            used.add(index)
    return mapping


@dataclass
class Detected:
    header_row: int
    headers: list[str]
    mapping: dict[str, int]


def detect(source, filename: str) -> Detected:
    """The header row (the best-matching of the first rows) and its column mapping."""
    return detect_in(read_rows(source, filename), [])


def detect_in(rows: Iterator[tuple[int, list]], seen: list) -> Detected:
    """``detect`` over ``rows`` (an iterator, left just after the rows looked at, which go to ``seen``)."""
    best: Detected | None = None
    for row_no, cells in rows:
        seen.append((row_no, cells))
        if row_no > HEADER_SCAN_ROWS:
            break
        mapping = map_headers(cells)
        if len(mapping) >= 2 and (best is None or len(mapping) > len(best.mapping)):
            best = Detected(row_no, [cell_text(c) for c in cells], mapping)
    if best is None:
        raise UnreadableFile(
            _(
                "No header row found in the first %(n)d rows: the file needs a row of column titles "
                'such as "Họ và tên", "Ngày sinh", "Số CCCD".'
            )
            % {"n": HEADER_SCAN_ROWS}
        )
    return best
