"""Writing the .xlsx and .csv files the project hands out. Every download goes through here
(a test fails when another module calls ``csv.writer`` or ``xlsxwriter`` itself), because
names, job titles and unit names are typed by officers, members and import files, and a
spreadsheet program runs text that looks like a formula (CSV / formula injection:
``=HYPERLINK(…)`` leaks data when clicked, ``=cmd|…`` asks to run programs).

- .xlsx: text is written with ``write_string`` and the workbook's string conversions are off,
  so a text cell is a text cell whatever it starts with; numbers and dates are real numbers.
- .csv: a CSV cell has no type, so text that a spreadsheet would read as a formula gets a
  single quote in front (OWASP's rule, see ``csv_text``); numbers are written as they are.
"""

from __future__ import annotations

import csv
import datetime
import re
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO

# What makes Excel, LibreOffice and Google Sheets read a cell as a formula.
FORMULA_TRIGGERS = frozenset("=+-@")
# OWASP also names tab and carriage return: a cell opening with one is quoted whatever follows.
CONTROL_TRIGGERS = frozenset("\t\r")
# First characters worth a closer look: triggers, and any whitespace in front of one (some
# programs trim cells on import). Whitespace characters all sit below U+3001.
_SUSPECT_FIRST = FORMULA_TRIGGERS | frozenset(ch for ch in map(chr, range(0x3001)) if ch.isspace())
# A signed plain number ("-5", "+84 912 345 678") names no function and no cell, so it cannot
# do harm as a formula; it is left readable.
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d .,]*")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def csv_text(value: str) -> str:
    """``value`` as a CSV cell that no spreadsheet opens as a formula: a ``'`` in front when it
    starts (after any whitespace) with ``=``, ``+``, ``-`` or ``@``, or starts with a tab or a
    carriage return; plain signed numbers are left alone."""
    if not value or value[0] not in _SUSPECT_FIRST:
        return value
    if value[0] in CONTROL_TRIGGERS:
        return "'" + value
    stripped = value.lstrip()
    if not stripped or stripped[0] not in FORMULA_TRIGGERS or _PLAIN_NUMBER.fullmatch(stripped):
        return value
    return "'" + value


class Echo:
    """A file-like object whose ``write`` returns what it was given (for streamed CSV)."""

    def write(self, value):
        return value


def csv_stream(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text for a streaming response, a UTF-8 BOM first so Excel reads Vietnamese right.

    Text cells pass through ``csv_text``; numbers, ``None`` (an empty cell) and other values
    are written as ``csv`` writes them.
    """
    writer = csv.writer(Echo())
    suspect, text = _SUSPECT_FIRST, str
    yield "\ufeff" + writer.writerow([_csv_cell(v) for v in header])
    for row in rows:
        # The test is inlined (not a call per cell): a million-row export has twenty million
        # cells and nearly none starts with a suspect character; written this way it costs
        # about 1 µs a row.
        yield writer.writerow(
            [
                v if v.__class__ is not text or not v or v[0] not in suspect else csv_text(v)
                for v in row
            ]
        )


def _csv_cell(value):
    return csv_text(value) if isinstance(value, str) else value


def write_xlsx(
    target,
    sheets: list[tuple[str, list[str], Iterable[Iterable]]],
    *,
    constant_memory: bool = True,
    title_rows: dict[str, list[str]] | None = None,
    widths: dict[str, list[int]] | None = None,
    number_formats: dict[str, dict[int, str]] | None = None,
    freeze_columns: dict[str, int] | None = None,
) -> None:
    """Write ``(sheet name, header, rows)`` to ``target`` (a path or a binary file).

    Cells: ``None`` and ``""`` stay empty, ``int``/``float``/``Decimal`` are numbers (with
    ``number_formats[sheet][column]`` when given), dates are dates, everything else is text.
    ``title_rows`` go above the header with a blank row between; the header row (and
    ``freeze_columns`` columns) stay in view when scrolling. ``constant_memory`` keeps one row
    in memory at a time (rows must come in order), so a million rows export in bounded memory.
    """
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": constant_memory,
            "in_memory": False,
            # write_string is used for text anyway; these keep any other write path from
            # turning text into formulas, links or numbers.
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    bold = workbook.add_format(
        {"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True}
    )
    title = workbook.add_format({"bold": True, "font_size": 13})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for name, header, rows in sheets:
        sheet = workbook.add_worksheet(name[:31])
        formats = {
            col: workbook.add_format({"num_format": pattern})
            for col, pattern in (number_formats or {}).get(name, {}).items()
        }
        row_index = 0
        for line in (title_rows or {}).get(name, []):
            sheet.write_string(row_index, 0, line, title)
            row_index += 1
        if title_rows and title_rows.get(name):
            row_index += 1
        for col, width in enumerate((widths or {}).get(name, [])):
            sheet.set_column(col, col, width)
        for col, label in enumerate(header):
            sheet.write_string(row_index, col, str(label), bold)
        sheet.freeze_panes(row_index + 1, (freeze_columns or {}).get(name, 0))
        for row in rows:
            row_index += 1
            for col, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, datetime.date):
                    sheet.write_datetime(
                        row_index,
                        col,
                        datetime.datetime.combine(value, datetime.time()),
                        date_format,
                    )
                elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                    sheet.write_number(row_index, col, value, formats.get(col))
                else:
                    sheet.write_string(row_index, col, str(value))
    workbook.close()


def xlsx_file(sheets: list[tuple[str, list[str], Iterable[Iterable]]], **options) -> IO[bytes]:
    """``write_xlsx`` into a temporary file, rewound: hand it to ``FileResponse``, which closes it
    (a large export never sits in memory whole)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the caller's response closes it
    write_xlsx(handle, sheets, **options)
    handle.seek(0)
    return handle
