"""Checking one row: its cells read by the plan of their columns into typed values, with a
message for each cell that cannot be read, and the numbers a file repeats in two rows."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congdoan.common import cccd as cccd_rules
from congdoan.common.phone import normalize_phone
from congdoan.common.spreadsheets import cell_date, cell_text, read_rows
from congdoan.common.text import fold

from ..choices import Gender
from ..models import Member
from .columns import TableShape, footer_text, is_header_part
from .values import (
    name_case,
    parse_commune,
    parse_education,
    parse_ethnicity,
    parse_gender,
    parse_province,
    parse_qualification,
    parse_religion,
)


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


def _memo(cache: dict, key, compute):
    """``compute()`` once per ``key`` of one run (choice and date columns repeat a handful of values)."""
    try:
        return cache[key]
    except KeyError:
        value = cache[key] = compute()
        return value


_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
_MONTH = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")


def _parse_date(raw):
    """A date of joining: a date, or "mm/yyyy" (the first of the month)."""
    month = _MONTH.match(raw) if type(raw) is str else None
    if month and 1 <= int(month[1]) <= 12:
        return datetime.date(int(month[2]), int(month[1]), 1)
    try:
        return cell_date(raw)
    except (ValueError, OverflowError):
        return _NO_DATE


def _parse_birth(raw):
    """A date of birth as ``(date, year_only)``: a bare year ("1990", as text or a number) is
    the year alone (1 January of it, flagged), never read as an Excel serial number (12 June
    1905); anything else as ``_parse_date``."""
    if not isinstance(raw, bool) and isinstance(raw, int | float | str):
        year = _YEAR.match(cell_text(raw))
        if year and 1900 <= int(year[1]) <= datetime.date.today().year:
            return datetime.date(int(year[1]), 1, 1), True
    parsed = _parse_date(raw)
    return parsed if parsed is _NO_DATE else (parsed, False)


# How each column is read (see ``_plan``).
_TEXT, _LOWER, _UPPER, _CHOICE, _DATE, _CCCD, _PHONE, _LATER, _BIRTH = range(9)
_MEMO_KINDS = frozenset({_CHOICE, _DATE, _BIRTH})
_BIRTH_FIELDS = ("date_of_birth", "date_of_birth_male", "date_of_birth_female")
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
            elif name in _BIRTH_FIELDS:
                plan.append((name, index, _BIRTH, _parse_birth, None))
            elif name == "joined_on":
                plan.append((name, index, _DATE, _parse_date, None))
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
    split_birth = False
    for name, index, kind, parser, message in _plan(mapping, cache):
        if index >= n:
            continue
        cell = cells[index]
        if cell is None or cell == "":
            continue
        if kind in _MEMO_KINDS:  # parsed once per distinct cell
            key = (name if kind == _CHOICE else kind, type(cell), cell)
            parsed = memo.get(key, _UNSEEN)
            if parsed is _UNSEEN:
                parsed = parser(cell) if cell_text(cell) else _BLANK_CELL
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
            elif name == "date_of_birth":  # (date, year only?)
                values["date_of_birth"], values["birth_year_only"] = parsed
            else:  # a date of joining; or of birth in a form's "Nam" / "Nữ" column
                values[name] = parsed
                split_birth = split_birth or kind == _BIRTH
            continue
        text = cell_text(cell)
        if not text:
            continue
        if kind == _TEXT:
            values[name] = name_case(text) if name == "full_name" else text
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
    if split_birth:
        _birth(values, errors)
    if "full_name" not in values and not errors:
        errors.append(("full_name", _("The full name is missing.")))
    return result


_BIRTH_IN_BOTH = gettext_lazy(
    "A date of birth is written in both the Nam and the Nữ column: keep the one that is right."
)
_GENDER_AGAINST_COLUMN = gettext_lazy(
    "The gender column says %(gender)s but the date of birth is in the %(column)s column."
)


def _birth(values: dict, errors: list) -> None:
    """The date of birth (and whether only its year is known) and the gender from an official
    form's "Nam" / "Nữ" columns (a row without either is left as it is)."""
    male = values.pop("date_of_birth_male", None)
    female = values.pop("date_of_birth_female", None)
    if male and female:
        errors.append(("date_of_birth", str(_BIRTH_IN_BOTH)))
        return
    if male or female:
        gender = Gender.MALE if male else Gender.FEMALE
        given = values.get("gender")
        if given and given != gender:
            errors.append(
                (
                    "gender",
                    _GENDER_AGAINST_COLUMN
                    % {"gender": Gender(given).label, "column": "Nam" if male else "Nữ"},
                )
            )
            return
        values["gender"] = gender
        values["date_of_birth"], values["birth_year_only"] = male or female


_UNKNOWN_PROVINCE = gettext_lazy("Unknown province: %(value)s (use a name after the 2025 merger).")
_UNKNOWN_COMMUNE = gettext_lazy("Unknown commune or ward in that province: %(value)s")


def _put(values: dict, errors: list, name: str, value, unknown, text: str) -> None:
    """``value`` as the row's ``name``, or the ``unknown`` message about ``text`` when the
    parser did not recognise it."""
    if value:
        values[name] = value
    else:
        errors.append((name, unknown % {"value": text}))


def _parse_places(texts: dict, values: dict, errors: list, memo: dict, cache: dict) -> None:
    """Provinces, communes (inside their province) and the union group of one row."""
    get = texts.get
    for kind in ("permanent", "current"):
        province_text = get(f"{kind}_province")
        if province_text:
            province = _memo(
                memo, ("province", province_text), lambda t=province_text: parse_province(t, cache)
            )
            _put(values, errors, f"{kind}_province", province, _UNKNOWN_PROVINCE, province_text)
        commune_text = get(f"{kind}_commune")
        if commune_text:
            commune = parse_commune(commune_text, values.get(f"{kind}_province"), cache)
            _put(values, errors, f"{kind}_commune", commune, _UNKNOWN_COMMUNE, commune_text)
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
    return data_rows(read_rows(source, filename), header_row)


# Rows just below the header that may still belong to it (sub-header, column numbers).
HEADER_PARTS_BELOW = 3


def data_rows(
    rows: Iterator[tuple[int, list]], header_row: int, shape: TableShape | None = None
) -> Iterator[tuple[int, list]]:
    """The table's rows below ``header_row``, without blank rows, the header's own rows under it
    ("Nam" / "Nữ", "(1) (2) (3) …") and anything from a form's footer on ("Tổng số: …",
    signatures), which ends the table. ``shape`` learns the header and where the table ended."""
    shape = shape or TableShape(header_row)
    last = header_row
    for row_no, cells in rows:
        if row_no <= header_row:
            if row_no == header_row:
                shape.headers = cells
            continue
        for cell in cells:  # a row is kept at its first non-blank cell (usually the first)
            if not _blank(cell):
                break
        else:
            continue
        if (
            row_no <= header_row + HEADER_PARTS_BELOW
            and last == row_no - 1
            and is_header_part(cells)
        ):
            if row_no == header_row + 1 and shape.sub_header is None:
                shape.sub_header = cells
            last = row_no
            continue
        footer = footer_text(cells)
        if footer is not None:
            shape.footer_row, shape.footer = row_no, footer
            return  # nothing below a form's footer is a member
        shape.table_end = last = row_no
        yield row_no, cells


_REPEATS = (
    (
        "cccd",
        gettext_lazy("The same citizen identity number is already in row %(row)d of this file."),
    ),
    (
        "card_number",
        gettext_lazy("The same union card number is already in row %(row)d of this file."),
    ),
)


_SAME_PERSON = gettext_lazy(
    "Row %(row)d of this file has the same name and date of birth and no citizen identity "
    "number either: add the numbers to tell the two apart (or remove the repeated row)."
)


def check_repeats(result: RowResult, seen: dict) -> None:
    """An identity or card number already met in an earlier row of the file (``seen``, kept by
    the caller for the whole file) is an error on this row."""
    values = result.values
    for name, message in _REPEATS:
        value = values.get(name)
        if value:
            first = seen.setdefault((name, value), result.row)
            if first != result.row:
                result.errors.append((name, message % {"row": first}))
    if not values.get("cccd") and values.get("full_name") and not result.errors:
        # Without an identity number a person is known by name and date of birth (matching).
        key = ("person", fold(values["full_name"]), values.get("date_of_birth"))
        first = seen.setdefault(key, result.row)
        if first != result.row:
            result.errors.append(("cccd", _SAME_PERSON % {"row": first}))
