"""The one export helper (``congdoan.common.exports``): text never becomes a formula, numbers stay
numbers, and no other module writes .csv or .xlsx on its own."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from congdoan.common.exports import csv_stream, csv_text, write_xlsx, xlsx_file
from tests.xlsx_cells import Cell, cells, has_live_content

ATTACKS = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "=cmd|' /C calc'!A0",
    " =1+1",  # spreadsheets that trim cells on import would still read a formula
    "\u00a0=1+1",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\t5",  # OWASP: every cell opening with a tab or a carriage return
    "\r",
    "-",
    "- 5",
    "+84 912 345 678 =A1",
    "-5\n=1+1",
]
HARMLESS = [
    "",
    "Nguyễn Văn An",
    "Công nhân - tổ 3",
    "a=b",
    "an@example.org",
    "-5",
    "+5",
    "-2.5",
    "-1,234.5",
    "+84912345678",
    "+84 912 345 678",
    "0912 345 678",
    "  ",
    "'=already quoted",
]


@pytest.mark.parametrize("value", ATTACKS)
def test_csv_text_puts_a_quote_before_a_formula(value):
    assert csv_text(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_csv_text_leaves_plain_text_and_numbers_alone(value):
    assert csv_text(value) == value


def _csv(header, rows) -> list[list[str]]:
    text = "".join(csv_stream(header, rows))
    assert text.startswith("\ufeff")  # Excel reads Vietnamese right only with the BOM
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_stream_quotes_formulas_in_header_and_rows_and_keeps_numbers():
    rows = _csv(
        ["=1+1", "Tên"],
        [["@SUM(A1)", -5, 2.5, None, Decimal("-1.50"), "-7", True]],
    )
    assert rows == [["'=1+1", "Tên"], ["'@SUM(A1)", "-5", "2.5", "", "-1.50", "-7", "True"]]


def test_csv_stream_numbers_are_not_quoted_as_text():
    text = "".join(csv_stream(["n"], [[-5], [3]]))
    assert text.splitlines()[1:] == ["-5", "3"]


def _xlsx(**options) -> bytes:
    target = io.BytesIO()
    write_xlsx(
        target,
        [
            (
                "Sheet =1",
                ["=1+1", "Tên", "Số", "Ngày"],
                [
                    [*ATTACKS[:4], -5, datetime.date(2025, 7, 1)],
                    ["http://evil.example", "-5", 3.25, Decimal("-1.5")],
                    [None, "", "www.example.org", 7],
                ],
            )
        ],
        title_rows={"Sheet =1": ["=TITLE()"]},
        **options,
    )
    return target.getvalue()


@pytest.mark.parametrize("constant_memory", [True, False])
def test_xlsx_text_is_text_numbers_are_numbers(constant_memory):
    data = _xlsx(constant_memory=constant_memory)
    assert has_live_content(data) == []
    by_ref = {c.ref: c for c in cells(data)}
    assert by_ref["A1"] == Cell("A1", "text", "=TITLE()")
    assert [by_ref[f"{col}3"].kind for col in "ABCD"] == ["text"] * 4
    assert [by_ref[f"{col}4"].value for col in "ABCD"] == ATTACKS[:4]
    assert {by_ref[f"{col}4"].kind for col in "ABCD"} == {"text"}
    assert by_ref["E4"] == Cell("E4", "number", "-5")
    assert by_ref["F4"].kind == "number"  # a date is a number with a date format
    assert (by_ref["A5"].kind, by_ref["B5"].kind, by_ref["B5"].value) == ("text", "text", "-5")
    assert (by_ref["C5"].kind, by_ref["D5"].kind) == ("number", "number")
    assert by_ref["C6"].kind == "text" and by_ref["D6"].value == "7"


def test_xlsx_number_formats_and_frozen_columns():
    target = io.BytesIO()
    write_xlsx(
        target,
        [("S", ["a", "b"], [["x", 12.5]])],
        number_formats={"S": {1: "0.00"}},
        freeze_columns={"S": 1},
        constant_memory=False,
    )
    data = target.getvalue()
    assert b"0.00" in _zip_member(data, "xl/styles.xml")
    assert b'xSplit="1"' in _zip_member(data, "xl/worksheets/sheet1.xml")


def _zip_member(data: bytes, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return book.read(name)


def test_xlsx_file_is_a_rewound_temporary_file():
    handle = xlsx_file([("S", ["a"], [["=1+1"]])])
    try:
        data = handle.read()
    finally:
        handle.close()
    assert data.startswith(b"PK") and has_live_content(data) == []


# --- nothing else writes .csv or .xlsx ------------------------------------------------------------
PACKAGE = Path(__file__).resolve().parents[2] / "congdoan"
HELPER = PACKAGE / "common" / "exports.py"
# A CSV writer however made (its writerow), an XlsxWriter or openpyxl workbook however imported.
WRITERS = re.compile(
    r"csv\.writer\(|csv\.DictWriter\(|from csv import|\.writerows?\(|"
    r"\bWorkbook\(|import xlsxwriter|from xlsxwriter|\.write_formula\(|\.write_url\(|openpyxl"
)


def test_only_the_export_helper_writes_spreadsheets():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == HELPER or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if WRITERS.search(line):
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}")
    assert offenders == [], (
        "Write .csv/.xlsx through congdoan.common.exports (formula-safe):\n" + "\n".join(offenders)
    )
