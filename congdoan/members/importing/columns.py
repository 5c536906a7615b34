"""Which column holds what: the importable fields, the headers (Vietnamese or English, with
or without accents) that name them, and finding the header row below any title rows."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

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
    # Official rosters split the date of birth under one merged "Ngày sinh" header into a "Nam"
    # and a "Nữ" column: the column a date sits in gives the gender (``split_birth_columns``).
    "date_of_birth_male": (
        gettext_lazy("Date of birth, men's column (Nam)"),
        ["ngay sinh nam", "ngay thang nam sinh nam", "nam sinh nam"],
    ),
    "date_of_birth_female": (
        gettext_lazy("Date of birth, women's column (Nữ)"),
        ["ngay sinh nu", "ngay thang nam sinh nu", "nam sinh nu"],
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


# --- the shape of an official form: sub-headers, column numbers, footer ---------------------
_COLUMN_NUMBER = re.compile(r"^\(?\s*(\d{1,2}|[A-Za-z])\s*\)?$")
_SUB_HEADERS = frozenset({"nam", "nu"})
_BIRTH_SPLIT = {"nam": "date_of_birth_male", "nu": "date_of_birth_female"}
# How the footer of a roster begins (its first non-blank cell, folded): the total, the place
# and date line, the signature blocks. Nothing below it is a member.
_FOOTER = re.compile(
    r"^(tong so|tong cong|cong( \d.*)?$|nguoi lap|tm ban chap hanh|t m ban chap hanh|"
    r"ky ghi ro|ky va ghi ro|ky ten|xac nhan cua|thu truong|ban chap hanh|chu tich|"
    r"pho chu tich|ke toan)"
    r"|\bngay \S+ thang \S+ nam\b|\bngay thang nam\b"
)
# Headers of columns that are not the member's (the row number): never listed as unmapped.
_IGNORED_HEADERS = frozenset({"stt", "tt", "so tt", "so thu tu", "thu tu", "no"})


def is_column_numbers(cells: list) -> bool:
    """The row of column numbers under a form's header: "(1) (2) (3) …" or "1 2 3 …"."""
    texts = [t for t in (cell_text(c) for c in cells) if t]
    return len(texts) >= 3 and all(_COLUMN_NUMBER.match(t) for t in texts)


def is_sub_header(cells: list) -> bool:
    """The "Nam" / "Nữ" row under a merged "Ngày sinh" header."""
    folded = {fold(cell_text(c)) for c in cells} - {""}
    # Other merged headers may have sub-headers of their own on the row ("Tỉnh", "Xã"): short
    # titles, never a number or a name-length text.
    return folded >= _SUB_HEADERS and all(len(f.split()) <= 3 and not f.isdigit() for f in folded)


def is_header_part(cells: list) -> bool:
    return is_column_numbers(cells) or is_sub_header(cells)


def footer_text(cells: list) -> str | None:
    """The text of the row when it begins a form's footer ("Tổng số: …", "…, ngày … tháng …
    năm …", "NGƯỜI LẬP BIỂU", "TM. BAN CHẤP HÀNH", "(Ký, ghi rõ họ tên)"), else None."""
    for cell in cells:
        if cell is None or cell == "":
            continue
        if type(cell) is not str:
            return None  # a row number: a member's row
        text = cell_text(cell)
        if not text:
            continue
        return text if _FOOTER.search(fold(text)) else None
    return None


def _parent_header(headers: list[str], index: int) -> int | None:
    """The column of the merged header above ``index``: itself, or the nearest titled one left."""
    for i in range(min(index, len(headers) - 1), -1, -1):
        if headers[i]:
            return i
    return None


def split_birth_columns(headers: list[str], sub: list, mapping: dict[str, int]) -> dict[str, int]:
    """``mapping`` with the date of birth split into its "Nam" and "Nữ" columns when ``sub`` is
    the sub-header row under a merged "Ngày sinh" header; unchanged otherwise."""
    found: dict[str, int] = {}
    for index, cell in enumerate(sub):
        key = fold(cell_text(cell))
        if key not in _BIRTH_SPLIT:
            continue
        parent = _parent_header(headers, index)
        if parent is not None and _match_field(headers[parent])[0] == "date_of_birth":
            found.setdefault(_BIRTH_SPLIT[key], index)
    if len(found) < 2:
        return mapping
    result = {
        k: v for k, v in mapping.items() if k not in ("date_of_birth", *_BIRTH_SPLIT.values())
    }
    result.update(found)
    return result


def column_titles(headers: list[str], sub: list | None) -> list[str]:
    """The title of each column as an officer reads it: the header, or "Ngày sinh (Nữ)" for a
    column under a merged header with a sub-header."""
    titles = list(headers)
    if sub is None or not is_sub_header(sub):
        return titles
    for index, cell in enumerate(sub):
        text = cell_text(cell)
        if not text:
            continue
        while len(titles) <= index:
            titles.append("")
        parent = _parent_header(headers, index)
        titles[index] = f"{headers[parent]} ({text})" if parent is not None else text
    return titles


def closest_field(header: str) -> str | None:
    """The field whose headers look most like ``header`` (for a column nobody mapped)."""
    key = fold(header)
    if not key:
        return None
    best, score = None, 0.0
    for name, (_label, aliases) in FIELDS.items():
        for alias in aliases:
            ratio = difflib.SequenceMatcher(None, key, alias).ratio()
            if alias.startswith(key + " ") or key.startswith(alias + " "):
                ratio = max(ratio, 0.8)
            if ratio > score:
                best, score = name, ratio
    return best if score >= 0.6 else None


def unmapped_columns(titles: list[str], mapping: dict[str, int]) -> list[dict]:
    """The titled columns no field reads, each with the closest field (or none)."""
    used = set(mapping.values())
    found = []
    for index, title in enumerate(titles):
        if not title or index in used or fold(title) in _IGNORED_HEADERS:
            continue
        if is_column_numbers([title]):
            continue
        name = closest_field(title)
        found.append(
            {
                "column": index + 1,
                "header": title,
                "suggestion": name or "",
                "suggestion_label": field_label(name) if name else "",
            }
        )
    return found


@dataclass
class TableShape:
    """What reading the rows found out about the table: its header row (and the sub-header
    under it) and, on an official form, where the table ended and the footer began."""

    header_row: int
    headers: list = field(default_factory=list)
    sub_header: list | None = None
    table_end: int | None = None  # the last row of the table, when a footer follows
    footer_row: int | None = None
    footer: str = ""

    def titles(self) -> list[str]:
        return column_titles([cell_text(c) for c in self.headers], self.sub_header)


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
    if best is not None:
        below = dict(seen).get(best.header_row + 1)
        if below is not None and is_sub_header(below):
            best.mapping = split_birth_columns(best.headers, below, best.mapping)
    if best is None:
        raise UnreadableFile(
            _(
                "No header row found in the first %(n)d rows: the file needs a row of column titles "
                'such as "Họ và tên", "Ngày sinh", "Số CCCD".'
            )
            % {"n": HEADER_SCAN_ROWS}
        )
    return best
