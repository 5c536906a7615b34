"""Spreadsheet import of members: header detection, column mapping, row validation, matching,
dry run and commit in all-or-nothing batches, rejected rows back as a spreadsheet.

Flow: ``detect`` finds the header row below any title rows and maps columns by Vietnamese or
English headers with or without accents; ``run`` reads every row, normalises and validates
it, matches it to an existing member (citizen identity number first, then card number) and,
unless it is a dry run, writes new and changed members batch by batch, each batch in one
transaction with its history rows. Re-running an import (after an interruption, or the same
file twice) finds the rows already written and reports them unchanged.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import itertools
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction
from django.db.models.base import ModelState
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from congdoan.common import cccd as cccd_rules
from congdoan.common import uploads
from congdoan.common.db import analyze
from congdoan.common.phone import normalize_phone
from congdoan.common.spreadsheets import (
    Sheet,
    UnreadableFile,
    cell_date,
    cell_text,
    check_file,
    read_rows,
)
from congdoan.common.text import fold
from congdoan.org import divisions
from congdoan.org.choices import MEMBER_MANAGERS, UnitKind
from congdoan.org.models import Unit
from congdoan.org.services import require_role

from . import jobs, services
from .bulk import PreparedInsert, prepare_insert, write_insert
from .choices import (
    OPEN_STATUSES,
    EducationLevel,
    Ethnicity,
    Gender,
    ImportStatus,
    MemberStatus,
    Qualification,
    Religion,
)
from .models import TREE_KEY_LENGTH, ImportJob, Member

BATCH_SIZE = 2000
# Large imports on PostgreSQL write each batch while the next one is checked (``BatchWriter``).
PIPELINE = True
HEADER_SCAN_ROWS = 30
# An import that adds this many members refreshes the planner's statistics when it ends.
ANALYZE_AFTER_CREATED = 5000

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


# --- header detection -----------------------------------------------------------------------------
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
    return _detect_in(read_rows(source, filename), [])


def _detect_in(rows: Iterator[tuple[int, list]], seen: list) -> Detected:
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


# --- values ---------------------------------------------------------------------------------------
_GENDERS = {
    "nam": Gender.MALE,
    "male": Gender.MALE,
    "m": Gender.MALE,
    "trai": Gender.MALE,
    "nu": Gender.FEMALE,
    "female": Gender.FEMALE,
    "f": Gender.FEMALE,
    "gai": Gender.FEMALE,
}
_ETHNICITIES = {fold(label): value for value, label in Ethnicity.choices}
_ETHNICITIES.update(
    {
        "hmong": "08",
        "h mong": "08",
        "meo": "08",
        "kho me": "05",
        "khome": "05",
        "viet": "01",
        "ede": "12",
        "e de": "12",
        "bana": "13",
        "jrai": "10",
        "giarai": "10",
        "gia lai": "10",
        "van kieu": "23",
        "bru": "23",
        "hoa han": "04",
        "nguoi hoa": "04",
    }
)
_RELIGIONS = {
    "khong": Religion.NONE,
    "none": Religion.NONE,
    "khong co": Religion.NONE,
    "no": Religion.NONE,
    "phat giao": Religion.BUDDHISM,
    "dao phat": Religion.BUDDHISM,
    "phat": Religion.BUDDHISM,
    "buddhism": Religion.BUDDHISM,
    "cong giao": Religion.CATHOLICISM,
    "thien chua giao": Religion.CATHOLICISM,
    "thien chua": Religion.CATHOLICISM,
    "catholic": Religion.CATHOLICISM,
    "catholicism": Religion.CATHOLICISM,
    "tin lanh": Religion.PROTESTANTISM,
    "dao tin lanh": Religion.PROTESTANTISM,
    "protestant": Religion.PROTESTANTISM,
    "cao dai": Religion.CAODAISM,
    "dao cao dai": Religion.CAODAISM,
    "hoa hao": Religion.HOA_HAO,
    "phat giao hoa hao": Religion.HOA_HAO,
    "hoi giao": Religion.ISLAM,
    "islam": Religion.ISLAM,
}
_QUALIFICATIONS = [
    ("tien si", Qualification.DOCTORATE),
    ("doctor", Qualification.DOCTORATE),
    ("phd", Qualification.DOCTORATE),
    ("thac si", Qualification.MASTER),
    ("master", Qualification.MASTER),
    ("dai hoc", Qualification.UNIVERSITY),
    ("cu nhan", Qualification.UNIVERSITY),
    ("ky su", Qualification.UNIVERSITY),
    ("university", Qualification.UNIVERSITY),
    ("bachelor", Qualification.UNIVERSITY),
    ("cao dang", Qualification.COLLEGE),
    ("college", Qualification.COLLEGE),
    ("trung cap", Qualification.INTERMEDIATE),
    ("intermediate", Qualification.INTERMEDIATE),
    ("so cap", Qualification.ELEMENTARY),
    ("elementary", Qualification.ELEMENTARY),
    ("khong", Qualification.NONE),
    ("chua qua dao tao", Qualification.NONE),
    ("lao dong pho thong", Qualification.NONE),
    ("none", Qualification.NONE),
    ("lđpt", Qualification.NONE),
    ("ldpt", Qualification.NONE),
]


def _choice_by_value(choices, text: str):
    return text if text in services.choice_values(choices) else None


def parse_gender(value) -> str | None:
    key = fold(cell_text(value))
    return _GENDERS.get(key) or _choice_by_value(Gender, key)


def parse_ethnicity(value) -> str | None:
    text = cell_text(value)
    if text.isdigit() and len(text) <= 2:
        return _choice_by_value(Ethnicity, text.zfill(2))
    key = fold(text)
    key = key[len("dan toc ") :] if key.startswith("dan toc ") else key
    return _ETHNICITIES.get(key) or _ETHNICITIES.get(key.replace(" ", ""))


def parse_religion(value) -> str | None:
    key = fold(cell_text(value))
    return (
        _RELIGIONS.get(key) or _choice_by_value(Religion, key) or (Religion.OTHER if key else None)
    )


def parse_education(value) -> str | None:
    text = cell_text(value).replace(" ", "")
    key = fold(cell_text(value))
    if "/" in text:
        done, _slash, system = text.partition("/")
        if done.isdigit() and system in ("10", "12"):
            done_n, top = int(done), int(system)
            if done_n >= top:
                return EducationLevel.UPPER_SECONDARY
            if done_n >= (9 if top == 12 else 7):
                return EducationLevel.LOWER_SECONDARY
            return EducationLevel.PRIMARY
    if key in (
        "thpt",
        "trung hoc pho thong",
        "pho thong trung hoc",
        "upper secondary",
        "ptth",
        "cap 3",
        "12",
    ):
        return EducationLevel.UPPER_SECONDARY
    if key in ("thcs", "trung hoc co so", "lower secondary", "cap 2", "9"):
        return EducationLevel.LOWER_SECONDARY
    if key in ("tieu hoc", "primary", "cap 1", "5"):
        return EducationLevel.PRIMARY
    return _choice_by_value(EducationLevel, key)


def parse_qualification(value) -> str | None:
    key = fold(cell_text(value))
    if key in services.choice_values(Qualification):
        return key
    for needle, choice in _QUALIFICATIONS:
        if key.startswith(needle) or f" {needle}" in f" {key}":
            return choice
    return None


def _province_index() -> dict[str, int]:
    index = {}
    for code, name in divisions.provinces():
        key = fold(name)
        index[key] = code
        for prefix in ("tinh ", "thanh pho ", "tp "):
            if key.startswith(prefix):
                index[key[len(prefix) :]] = code
    return index


def parse_province(value, cache: dict) -> int | None:
    text = cell_text(value)
    if text.isdigit():
        code = int(text)
        return code if divisions.province_name(code) else None
    index = cache.setdefault("provinces", _province_index())
    key = fold(text)
    for prefix in ("tinh ", "thanh pho ", "tp "):
        if key.startswith(prefix) and key[len(prefix) :] in index:
            return index[key[len(prefix) :]]
    return index.get(key)


def parse_commune(value, province: int | None, cache: dict) -> int | None:
    text = cell_text(value)
    if text.isdigit():
        return int(text)
    if not province:
        return None
    index = cache.setdefault(("communes", province), None)
    if index is None:
        index = {}
        for code, name in divisions.communes_of(province):
            key = fold(name)
            index[key] = code
            for prefix in ("xa ", "phuong ", "dac khu ", "thi tran "):
                if key.startswith(prefix):
                    index.setdefault(key[len(prefix) :], code)
        cache[("communes", province)] = index
    return index.get(fold(text))


# --- rows -----------------------------------------------------------------------------------------
@dataclass
class RowResult:
    row: int
    values: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message)
    outcome: str = ""  # new / updated / unchanged / rejected
    member: Member | None = None


# (field, parser, message when the parser finds nothing); messages are lazy: built only on error.
_CHOICE_PARSERS = (
    ("gender", parse_gender, gettext_lazy("Write Nam or Nữ.")),
    (
        "ethnicity",
        parse_ethnicity,
        gettext_lazy("Unknown ethnic group: write one of the 54 official names, e.g. Kinh, Tày."),
    ),
    ("religion", parse_religion, gettext_lazy("Unknown religion.")),
    (
        "education_level",
        parse_education,
        gettext_lazy("Write the general education as 9/12, 12/12, THCS or THPT."),
    ),
    (
        "qualification",
        parse_qualification,
        gettext_lazy(
            "Unknown qualification: write Đại học, Cao đẳng, Trung cấp, Sơ cấp, Thạc sĩ, Tiến sĩ or Không."
        ),
    ),
)


_NO_DATE = object()
_UNSEEN = object()
_BLANK_CELL = object()
_SPECIAL_VALUES = frozenset({"group", "card_number"})


def _memo(cache: dict, key, compute):
    """``compute()`` once per ``key`` of one run (choice and date columns repeat a handful of values)."""
    try:
        return cache[key]
    except KeyError:
        value = cache[key] = compute()
        return value


def _parse_date(raw):
    try:
        return cell_date(raw)
    except (ValueError, OverflowError):
        return _NO_DATE


# How each column is read (see ``_plan``).
_TEXT, _LOWER, _UPPER, _CHOICE, _DATE, _CCCD, _PHONE, _LATER = range(8)
_MEMO_KINDS = frozenset({_CHOICE, _DATE})
_TEXT_FIELDS = ("full_name", "job_title", "permanent_street", "current_street")
_LATER_FIELDS = (
    "permanent_province",
    "permanent_commune",
    "current_province",
    "current_commune",
    "group",
)


def _plan(mapping: dict[str, int], cache: dict) -> list[tuple]:
    """``(field, column, kind, parser, message)`` for the mapped columns, made once per run."""
    key = ("plan", tuple(sorted(mapping.items())))
    plan = cache.get(key)
    if plan is None:
        choices = {name: (parser, message) for name, parser, message in _CHOICE_PARSERS}
        plan = []
        for name, index in mapping.items():
            if name in choices:
                plan.append((name, index, _CHOICE, *choices[name]))
            elif name in ("date_of_birth", "joined_on"):
                plan.append((name, index, _DATE, None, None))
            elif name in _TEXT_FIELDS:
                plan.append((name, index, _TEXT, None, None))
            elif name == "email":
                plan.append((name, index, _LOWER, None, None))
            elif name == "card_number":
                plan.append((name, index, _UPPER, None, None))
            elif name == "cccd":
                plan.append((name, index, _CCCD, None, None))
            elif name == "phone":
                plan.append((name, index, _PHONE, None, None))
            elif name in _LATER_FIELDS:
                plan.append((name, index, _LATER, None, None))
        plan = cache[key] = plan
    return plan


def parse_row(row_no: int, cells: list, mapping: dict[str, int], cache: dict) -> RowResult:
    """Typed values of one row (``values`` holds only cells that are present) and its problems.

    Each mapped cell is read by the plan of its column; values that repeat down a column
    (choices, dates, provinces) are parsed once per run through ``cache``.
    """
    result = RowResult(row_no)
    values = result.values
    errors = result.errors
    memo = cache.get("memo")
    if memo is None:
        memo = cache["memo"] = {}
    n = len(cells)
    later: dict | None = None
    for name, index, kind, parser, message in _plan(mapping, cache):
        if index >= n:
            continue
        cell = cells[index]
        if cell is None or cell == "":
            continue
        if kind in _MEMO_KINDS:  # parsed once per distinct cell
            key = (name if kind == _CHOICE else "date", type(cell), cell)
            parsed = memo.get(key, _UNSEEN)
            if parsed is _UNSEEN:
                if not cell_text(cell):
                    parsed = _BLANK_CELL
                elif kind == _CHOICE:
                    parsed = parser(cell)
                else:
                    parsed = _parse_date(cell)
                memo[key] = parsed
            if parsed is _BLANK_CELL:
                continue
            if kind == _CHOICE:
                if parsed:
                    values[name] = parsed
                else:
                    errors.append((name, str(message)))
            elif parsed is _NO_DATE:
                errors.append(
                    (
                        name,
                        _("Not a date (write dd/mm/yyyy): %(value)s") % {"value": cell_text(cell)},
                    )
                )
            else:
                values[name] = parsed
            continue
        text = cell_text(cell)
        if not text:
            continue
        if kind == _TEXT:
            values[name] = text
        elif kind == _CCCD:
            values["cccd"] = cccd_rules.restore(cell)
        elif kind == _PHONE:
            phone = normalize_phone(cell)
            if phone:
                values["phone"] = phone
            else:
                errors.append(
                    (
                        "phone",
                        _("Not a Vietnamese phone number (e.g. 0912 345 678 or 0203 3825 123)."),
                    )
                )
        elif kind == _LOWER:
            values[name] = text.lower()
        elif kind == _UPPER:
            values[name] = text.upper()
        else:
            if later is None:
                later = {}
            later[name] = text
    if later:
        _parse_places(later, values, errors, memo, cache)
    if "full_name" not in values and not errors:
        errors.append(("full_name", _("The full name is missing.")))
    return result


def _parse_places(texts: dict, values: dict, errors: list, memo: dict, cache: dict) -> None:
    """Provinces, communes (inside their province) and the union group of one row."""
    get = texts.get
    for kind in ("permanent", "current"):
        province_text = get(f"{kind}_province")
        if province_text:
            province = _memo(
                memo, ("province", province_text), lambda t=province_text: parse_province(t, cache)
            )
            if province:
                values[f"{kind}_province"] = province
            else:
                errors.append(
                    (
                        f"{kind}_province",
                        _("Unknown province: %(value)s (use a name after the 2025 merger).")
                        % {"value": province_text},
                    )
                )
        commune_text = get(f"{kind}_commune")
        if commune_text:
            commune = parse_commune(commune_text, values.get(f"{kind}_province"), cache)
            if commune:
                values[f"{kind}_commune"] = commune
            else:
                errors.append(
                    (
                        f"{kind}_commune",
                        _("Unknown commune or ward in that province: %(value)s")
                        % {"value": commune_text},
                    )
                )
    group_text = get("group")
    if group_text:
        groups = cache.get("groups", {})
        group = groups.get(group_text.upper()) or groups.get(fold(group_text))
        if group:
            values["group"] = group
        else:
            errors.append(
                (
                    "group",
                    _("No union group %(value)s in this grassroots union.") % {"value": group_text},
                )
            )


def _blank(cell) -> bool:
    if cell is None or cell == "":
        return True
    if type(cell) is str:
        return not cell.strip()
    return cell_text(cell) == ""


def rows_of(source, filename: str, header_row: int) -> Iterator[tuple[int, list]]:
    return _data_rows(read_rows(source, filename), header_row)


def _data_rows(rows, header_row: int) -> Iterator[tuple[int, list]]:
    for row_no, cells in rows:
        if row_no <= header_row:
            continue
        for cell in cells:  # a row is kept at its first non-blank cell (usually the first)
            if not _blank(cell):
                yield row_no, cells
                break


# --- the run ----------------------------------------------------------------------------------
@dataclass
class Summary:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)

    def add(self, result: RowResult) -> None:
        self.total += 1
        counter = "created" if result.outcome == "new" else result.outcome
        setattr(self, counter, getattr(self, counter) + 1)
        for name, message in result.errors:
            self.errors.append(
                {"row": result.row, "field": name, "column": field_label(name), "message": message}
            )


COMPARED_FIELDS = [f for f in services.EDITABLE_FIELDS if f not in services.FINANCE_FIELDS]


class Importer:
    """One import run of one file into one grassroots unit."""

    def __init__(
        self,
        actor,
        unit: Unit,
        *,
        dry_run: bool,
        mapping: dict[str, int] | None = None,
        header_row: int | None = None,
        progress: Callable[[int], None] | None = None,
        on_batch: Callable[[list[RowResult]], None] | None = None,
    ):
        require_role(actor, unit, MEMBER_MANAGERS)
        unit, default_group = services.resolve_unit(unit)
        services.check_unit(unit)
        self.actor, self.unit, self.default_group = actor, unit, default_group
        self.tree = unit.path[:TREE_KEY_LENGTH]
        self.dry_run = dry_run
        self.mapping = mapping
        self.header_row = header_row
        self.progress = progress or (lambda n: None)
        # Called inside each batch's transaction (a job records its counts there: jobs.py).
        self.on_batch = on_batch or (lambda rows: None)
        self.cache: dict = {"groups": self._groups()}
        self.issued: set[str] = set()  # card numbers this run has issued
        self.today = timezone.localdate()
        self.summary = Summary()

    def _groups(self) -> dict:
        groups = {}
        for group in Unit.objects.filter(
            path__startswith=self.unit.path, kind=UnitKind.UNION_GROUP, status="active"
        ):
            groups[group.code.upper()] = group
            groups[fold(group.name)] = group
        return groups

    def run(self, source, filename: str) -> Summary:
        """Import the file ``source`` (a path or a binary file) named ``filename``."""
        return self.run_rows(read_rows(source, filename))

    def run_rows(self, rows: Iterator[tuple[int, list]]) -> Summary:
        """Import ``rows`` (see ``read_rows``); the header is detected in them when not given, so
        the file is read once."""
        with _long_lived_objects_frozen():
            return self._run_rows(rows)

    def _run_rows(self, rows: Iterator[tuple[int, list]]) -> Summary:
        if self.mapping is None or self.header_row is None:
            head: list = []
            detected = _detect_in(rows, head)
            self.header_row, self.mapping = detected.header_row, detected.mapping
            rows = itertools.chain(head, rows)
        missing = [field_label(f) for f in REQUIRED_COLUMNS if f not in self.mapping]
        if missing:
            raise UnreadableFile(
                _("No column for: %(fields)s. Correct the column mapping.")
                % {"fields": ", ".join(missing)}
            )
        seen_cccd: dict[str, int] = {}
        seen_card: dict[str, int] = {}
        batch: list[RowResult] = []
        writer: BatchWriter | None = None
        self.done = 0
        try:
            for row_no, cells in _data_rows(rows, self.header_row):
                result = parse_row(row_no, cells, self.mapping, self.cache)
                number = result.values.get("cccd")
                if number:
                    if number in seen_cccd:
                        result.errors.append(
                            (
                                "cccd",
                                _(
                                    "The same citizen identity number is already in row %(row)d of this file."
                                )
                                % {"row": seen_cccd[number]},
                            )
                        )
                    else:
                        seen_cccd[number] = row_no
                card = result.values.get("card_number")
                if card:
                    if card in seen_card:
                        result.errors.append(
                            (
                                "card_number",
                                _(
                                    "The same union card number is already in row %(row)d of this file."
                                )
                                % {"row": seen_card[card]},
                            )
                        )
                    else:
                        seen_card[card] = row_no
                batch.append(result)
                if len(batch) >= BATCH_SIZE:
                    writer = self._batch(batch, writer, more=True)
                    batch = []
            if batch:
                writer = self._batch(batch, writer, more=False)
        except BaseException:
            if writer is not None:
                writer.close(raise_failure=False)  # the batch being written still ends whole
            raise
        if writer is not None:
            writer.close()  # waits for the last batch; re-raises a failure of the writing
        return self.summary

    # One batch: match, validate, write — each batch all or nothing.
    def _batch(self, rows: list[RowResult], writer: BatchWriter | None, *, more: bool):
        """Check and write ``rows``; from the second batch of a large import on, the writing goes
        to a ``BatchWriter`` so that the next batch is read and checked meanwhile."""
        if writer is None and more and self._may_pipeline():
            writer = BatchWriter(self)
        if writer is not None:
            self._match_and_validate(rows)
            writer.submit(rows, self._prepare_write(rows))
            return writer
        with transaction.atomic():
            self._match_and_validate(rows)
            if not self.dry_run:
                self._write(rows)
            self.on_batch(rows)
        self._finish_batch(rows)
        return None

    def _finish_batch(self, rows: list[RowResult]) -> None:
        for result in rows:
            self.summary.add(result)
        self.done += len(rows)
        self.progress(self.done)

    def _may_pipeline(self) -> bool:
        """Writing on a second connection needs PostgreSQL (SQLite has one writer at a time) and no
        transaction held by the caller (its uncommitted rows would be invisible there)."""
        return (
            PIPELINE
            and not self.dry_run
            and connection.vendor == "postgresql"
            and not connection.in_atomic_block
        )

    def _match_and_validate(self, rows: list[RowResult]) -> None:
        numbers = {r.values["cccd"] for r in rows if r.values.get("cccd")}
        cards = {r.values["card_number"] for r in rows if r.values.get("card_number")}
        members = Member.objects.all()
        by_cccd = {m.cccd: m for m in _among(members.filter(tree=self.tree), "cccd", numbers)}
        by_card = {m.card_number: m for m in _among(members, "card_number", cards)}
        # Their units: almost always the importing unit itself, the others in one query.
        found = [*by_cccd.values(), *by_card.values()]
        units = {self.unit.pk: self.unit}
        units.update(Unit.objects.in_bulk({m.unit_id for m in found} - set(units)))
        for m in found:
            m._state.fields_cache["unit"] = units[m.unit_id]
        today = timezone.localdate()
        for result in rows:
            if result.errors:
                result.outcome = "rejected"
                continue
            values = result.values
            existing = by_cccd.get(values.get("cccd")) if values.get("cccd") else None
            by_card_match = (
                by_card.get(values.get("card_number")) if values.get("card_number") else None
            )
            if existing is None:
                existing = by_card_match
            elif by_card_match is not None and by_card_match.pk != existing.pk:
                result.errors.append(
                    (
                        "card_number",
                        _(
                            "This card number belongs to another member than the citizen identity number."
                        ),
                    )
                )
            if existing is not None:
                if existing.tree != self.tree:
                    result.errors.append(
                        (
                            "card_number",
                            _("This union card number is issued in another organisation."),
                        )
                    )
                elif existing.unit_id != self.unit.pk:
                    where = (
                        existing.unit.name
                        if services.can_manage(self.actor, existing)
                        else _("another unit")
                    )
                    result.errors.append(
                        (
                            "cccd" if values.get("cccd") else "card_number",
                            _(
                                "This person is already a member of %(unit)s: transfer them instead of importing."
                            )
                            % {"unit": where},
                        )
                    )
                elif existing.status not in OPEN_STATUSES:
                    result.errors.append(
                        (
                            "full_name",
                            _("This member is %(status)s; reinstate them first.")
                            % {"status": existing.get_status_display().lower()},
                        )
                    )
                elif values.get("cccd") and existing.cccd and values["cccd"] != existing.cccd:
                    result.errors.append(
                        (
                            "cccd",
                            _(
                                "The card number belongs to a member with another citizen identity number."
                            ),
                        )
                    )
            if result.errors:
                result.outcome = "rejected"
                continue
            member = self._member_from(values, existing)
            # The parser gives every value in normalised form: only the checks are left.
            errors = services.check_fields(member, today=today)
            if existing is not None:
                # Only what this file brings is checked: old problems of a record do not block an update.
                relevant = set(values) | (
                    {"cccd"} if {"gender", "date_of_birth"} & set(values) and member.cccd else set()
                )
                errors = {k: v for k, v in errors.items() if k in relevant}
            for name, message in errors.items():
                result.errors.append((name, str(message)))
            if result.errors:
                result.outcome = "rejected"
                continue
            result.member = member
            if existing is None:
                result.outcome = "new"
            else:
                changed = any(
                    getattr(existing, f + "_id" if f == "group" else f)
                    != getattr(member, f + "_id" if f == "group" else f)
                    for f in COMPARED_FIELDS
                )
                result.outcome = "updated" if changed else "unchanged"

    def _member_from(self, values: dict, existing: Member | None) -> Member:
        if existing is None:
            template = self.cache.get("template")
            if template is None:
                template = Member(
                    unit=self.unit,
                    group=self.default_group,
                    tree=self.tree,
                    status=MemberStatus.ACTIVE,
                )
                self.cache["template"] = template
            # A fresh Member without running Model.__init__ per row: the template's values, then
            # the row's plain values straight into the instance (no setattr per field).
            member = Member.__new__(Member)
            fields = dict(template.__dict__)
            fields.update(values)
            fields.pop("group", None)  # set below, through its descriptor
            state = fields["_state"] = ModelState()
            state.fields_cache = dict(template._state.fields_cache)
            member.__dict__ = fields
        else:
            member = _copy(existing)
            member.__dict__.update({k: v for k, v in values.items() if k not in _SPECIAL_VALUES})
        # The union group through its descriptor, the card number only on a new member.
        if "group" in values:
            member.group = values["group"]
        if "card_number" in values and existing is None:
            member.card_number = values["card_number"]
        if (
            "cccd" in values
            and existing is not None
            and existing.cccd_exception
            and existing.cccd == values["cccd"]
        ):
            member.cccd_exception = True
        return member

    def _write(self, rows: list[RowResult]) -> None:
        self._apply(self._prepare_write(rows), rows)

    def _prepare_write(self, rows: list[RowResult]) -> PreparedInsert | None:
        """The Python side of writing a batch's new members: card numbers, derived fields, rows.

        Card numbers typed in the file are checked against those issued, including the ones
        this run has just issued (a batch may still be on its way to the database).
        """
        new = [r.member for r in rows if r.outcome == "new"]
        if not new:
            return None
        typed = [m.card_number for m in new if m.card_number]
        if typed:
            taken = self.issued.intersection(typed)
            taken.update(
                _among(Member.objects.all(), "card_number", typed).values_list(
                    "card_number", flat=True
                )
            )
            if taken:  # a card number typed in the file is already issued (to someone not matched)
                for result in rows:
                    if result.outcome == "new" and result.member.card_number in taken:
                        result.outcome = "rejected"
                        result.member = None
                        result.errors.append(
                            ("card_number", _("This union card number is already issued."))
                        )
                new = [r.member for r in rows if r.outcome == "new"]
        needing = [m for m in new if not m.card_number]
        with transaction.atomic():  # a batch of its own when the batches are written elsewhere
            numbers = services.reserve_card_numbers(
                self.tree, len(needing), {m.card_number for m in new if m.card_number}
            )
        for member, number in zip(needing, numbers, strict=True):
            member.card_number = number
        self.issued.update(numbers)
        today = self.today
        for member in new:
            member.joined_on = member.joined_on or today
            member.status_since = member.joined_on
            member.prepare()
        return prepare_insert(new, user=self._user(), reason="imported")

    def _apply(self, prepared: PreparedInsert | None, rows: list[RowResult]) -> None:
        """The database side: new members with their history, then the updated ones."""
        if prepared is not None:
            write_insert(prepared)
        self._reject_stale(rows)
        changed = [r.member for r in rows if r.outcome == "updated"]
        if changed:
            for member in changed:
                member.version += 1
                member.prepare()
            bulk_update_with_history(
                changed,
                Member,
                COMPARED_FIELDS
                + ["name_folded", "completeness", "is_complete", "version", "updated_at"],
                batch_size=500,
                default_user=self._user(),
                default_change_reason="updated by import",
                default_date=timezone.now(),
            )

    def _reject_stale(self, rows: list[RowResult]) -> None:
        """Rows updating a member whose record changed after it was read (by an officer, another
        import) are rejected, not written over the other change; importing the file again applies
        them. The records are locked until the batch is written."""
        updated = [r for r in rows if r.outcome == "updated"]
        if not updated:
            return
        versions = dict(
            _among(Member.objects.select_for_update(), "id", [r.member.pk for r in updated])
            .order_by()
            .values_list("id", "version")
        )
        for result in updated:
            if versions.get(result.member.pk) != result.member.version:
                result.outcome = "rejected"
                result.member = None
                result.errors.append(
                    (
                        "full_name",
                        _(
                            "This member's record was changed by someone else during the import; "
                            "import the file again to apply this row."
                        ),
                    )
                )

    def _user(self):
        return self.actor if getattr(self.actor, "pk", None) else None


def _among(queryset, field: str, values):
    """``queryset`` filtered on ``field`` IN ``values``: on PostgreSQL as ``= ANY(array)``, one parameter
    instead of one per value (a batch's 2,000 placeholders cost more to build than the query)."""
    values = list(values)
    if not values:
        return queryset.none()
    if connection.vendor == "postgresql":
        column = Member._meta.get_field(field).column
        table = Member._meta.db_table
        quote = connection.ops.quote_name
        return queryset.extra(where=[f"{quote(table)}.{quote(column)} = ANY(%s)"], params=[values])
    return queryset.filter(**{f"{field}__in": values})


def _clone(member: Member) -> Member:
    """A copy of ``member`` (its field values and cached relations) built without ``Model.__init__``."""
    clone = Member.__new__(Member)
    state = member._state
    clone.__dict__.update(member.__dict__)
    clone._state = ModelState()
    clone._state.adding = state.adding
    clone._state.db = state.db
    clone._state.fields_cache = dict(state.fields_cache)
    return clone


def _copy(member: Member) -> Member:
    clone = _clone(member)
    clone._state.adding = False
    clone.updated_at = timezone.now()
    return clone


_frozen = {"imports": 0}
_frozen_lock = threading.Lock()


@contextlib.contextmanager
def _long_lived_objects_frozen():
    """Python's cycle collector leaves the objects that exist when an import starts alone until
    it ends (``gc.freeze``): a 100,000-row import allocates millions of small objects, and each
    full collection would otherwise walk the whole process again (~15 % of the import's time).
    Nothing is lost: the objects go back to the collector when the last running import ends."""
    with _frozen_lock:
        _frozen["imports"] += 1
        gc.freeze()
    try:
        yield
    finally:
        with _frozen_lock:
            _frozen["imports"] -= 1
            if not _frozen["imports"]:
                gc.unfreeze()


class BatchWriter:
    """Writes an import's checked batches on a connection of its own, in a thread of its own, while
    the importer reads and checks the next batch: the database's work (rows, indexes, history,
    foreign keys) runs on one core while Python parses on the other.

    Batches are written in order, one transaction each, as without it; at most one batch waits.
    After a failure nothing more is written, and the failure is raised in the importing thread.
    """

    def __init__(self, importer: Importer):
        self.importer = importer
        self.language = translation.get_language()
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._loop, daemon=True, name="import-writer")
        self.thread.start()

    def submit(self, rows: list[RowResult], prepared: PreparedInsert | None) -> None:
        if self.failure is not None:
            raise self.failure
        self.queue.put((rows, prepared))

    def close(self, *, raise_failure: bool = True) -> None:
        self.queue.put(None)
        self.thread.join()
        if raise_failure and self.failure is not None:
            raise self.failure

    def _loop(self) -> None:
        try:
            with translation.override(self.language):
                while (item := self.queue.get()) is not None:
                    if self.failure is not None:
                        continue  # drain: nothing after a failed batch is written
                    rows, prepared = item
                    try:
                        with transaction.atomic():
                            self.importer._apply(prepared, rows)
                            self.importer.on_batch(rows)  # on this thread's connection
                        self.importer._finish_batch(rows)
                    except BaseException as exc:  # handed to the importing thread
                        self.failure = exc
        finally:
            connection.close()  # this thread's own connection


# --- jobs -----------------------------------------------------------------------------------------
SYNC_LIMIT_BYTES = 256 * 1024  # smaller files are imported within the request


def start_job(
    actor,
    unit: Unit,
    upload,
    *,
    dry_run: bool,
    mapping: dict | None = None,
    header_row: int | None = None,
    background: bool | None = None,
) -> ImportJob:
    """Check the file against the upload limits, store it, create the job and run it (in the
    background for large files). A refused file is a ``ValidationError`` on ``file``, and
    nothing is stored."""
    require_role(actor, unit, MEMBER_MANAGERS)
    services.check_unit(services.resolve_unit(unit)[0])
    try:
        check_file(upload, upload.name)
    except (uploads.UploadRefused, UnreadableFile) as exc:
        raise ValidationError({"file": str(exc)}) from exc
    job = ImportJob(
        unit=unit,
        created_by=actor,
        original_name=upload.name[:255],
        dry_run=dry_run,
        mapping=mapping or {},
        header_row=header_row,
        heartbeat_at=timezone.now(),
    )
    with uploads.removed_on_failure() as stored:
        job.file.save(upload.name, upload, save=False)
        stored(job.file)
        job.save()
    size = getattr(upload, "size", 0) or 0
    run_job(job, background=size > SYNC_LIMIT_BYTES if background is None else background)
    job.refresh_from_db()
    return job


def rerun_job(
    job: ImportJob,
    *,
    dry_run: bool,
    mapping: dict | None = None,
    header_row: int | None = None,
    background: bool | None = None,
) -> ImportJob:
    """Run a checked job again: with a corrected mapping, or for real (``dry_run=False``); or an
    interrupted one, which completes it (``interrupted_at`` is kept, for the job page)."""
    job.dry_run = dry_run
    if mapping is not None:
        job.mapping = mapping
    if header_row is not None:
        job.header_row = header_row
    job.status = ImportStatus.QUEUED
    job.progress = job.created = job.updated = job.unchanged = job.rejected = job.total = 0
    job.errors = []
    job.message = ""
    job.heartbeat_at, job.finished_at = timezone.now(), None
    job.save()
    size = job.file.size if job.file else 0
    run_job(job, background=size > SYNC_LIMIT_BYTES if background is None else background)
    job.refresh_from_db()
    return job


def run_job(job: ImportJob, *, background: bool) -> None:
    if not background:
        execute_job(job.pk)
        return
    if getattr(settings, "REDIS_URL", ""):
        from .tasks import import_members_task

        transaction.on_commit(lambda: import_members_task.delay(job.pk))
        return

    # The embedded default: a thread of this process, started once the job row is committed.
    def target():
        close_old_connections()
        try:
            execute_job(job.pk)
        finally:
            close_old_connections()

    transaction.on_commit(
        lambda: threading.Thread(target=target, daemon=True, name=f"import-{job.pk}").start()
    )


def execute_job(job_id: int, language: str | None = None) -> None:
    job = ImportJob.objects.select_related("unit", "created_by").get(pk=job_id)
    jobs.start(job.pk)

    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        try:
            with job.file.open("rb") as handle:
                sheet = Sheet(handle, job.original_name)  # read once, for all that follows
            jobs.touch(job.pk)  # loading a large workbook takes seconds
            rows = sheet.rows()
            if not job.header_row:
                head: list = []
                detected = _detect_in(rows, head)
                rows = itertools.chain(head, rows)
                job.header_row, job.mapping = detected.header_row, detected.mapping
                ImportJob.objects.filter(pk=job.pk).update(
                    header_row=detected.header_row, mapping=detected.mapping
                )
            total = max(0, sheet.row_count - job.header_row)
            jobs.touch(job.pk, total=total)
            job.total = total
            mapping = {k: int(v) for k, v in job.mapping.items()} if job.mapping else None
            importer = Importer(
                job.created_by,
                job.unit,
                dry_run=job.dry_run,
                mapping=mapping,
                header_row=job.header_row,
                on_batch=jobs.batch_recorder(job.pk),
            )
            summary = importer.run_rows(rows)
        except uploads.UploadRefused as exc:  # past a limit seen only once the file is opened
            job.file.delete(save=False)  # a refused file is not kept
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED, message=exc.message, file="", finished_at=timezone.now()
            )
            return
        except (UnreadableFile, Exception) as exc:  # the job reports; it never half-writes
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED, message=str(exc), finished_at=timezone.now()
            )
            if not isinstance(exc, UnreadableFile | PermissionError):
                import logging

                logging.getLogger(__name__).exception("member import %s failed", job.pk)
            return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKED if job.dry_run else ImportStatus.DONE,
        header_row=importer.header_row,
        mapping=importer.mapping,
        total=summary.total,
        progress=summary.total,
        created=summary.created,
        updated=summary.updated,
        unchanged=summary.unchanged,
        rejected=summary.rejected,
        errors=summary.errors,
        finished_at=timezone.now(),
    )
    if not job.dry_run and summary.created >= ANALYZE_AFTER_CREATED:
        # Fresh statistics before anyone searches the new members (see common.db).
        analyze([Member, Member.history.model])


def rejected_rows_xlsx(job: ImportJob, target) -> None:
    """The rejected rows of ``job`` with the file's own columns and an error column, to fix and re-upload."""
    from congdoan.common.exports import write_xlsx

    messages: dict[int, list[str]] = {}
    for error in job.errors:
        messages.setdefault(error["row"], []).append(
            f"{error.get('column') or error['field']}: {error['message']}"
        )
    with job.file.open("rb") as handle:
        all_rows = list(read_rows(handle, job.original_name))
    header_row = job.header_row or 1
    header = [cell_text(c) for c in dict(all_rows).get(header_row, [])]
    rows = []
    for row_no, cells in all_rows:
        if row_no in messages:
            values = [
                c
                if isinstance(c, datetime.date | int | float) and not isinstance(c, bool)
                else cell_text(c)
                for c in cells
            ]
            values += [""] * (len(header) - len(values))
            rows.append(
                [*values[: max(len(header), len(values))], " · ".join(messages[row_no]), row_no]
            )
    write_xlsx(
        target,
        [(_("Rejected rows"), [*header, _("Error"), _("Row in the original file")], rows)],
        constant_memory=False,
    )
