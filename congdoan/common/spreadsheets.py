"""Reading the spreadsheets officers send (.xlsx, .xls, .ods, .csv); writing them is
``congdoan.common.exports``.

Rows come with the spreadsheet's own row numbers (1-based, blank and title rows counted), so
that every message can point at the row the officer sees. Cell values are given as the
reader found them: ``str``, ``float``/``int``, ``datetime.date``/``datetime``, ``bool``, or
``""`` for an empty cell; helpers below turn them into text, dates and numbers.

A file is checked against the upload limits (``congdoan.common.uploads``) before it is parsed:
its size, its content against its extension, how far a ZIP-based file expands, and its rows.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from congdoan.common import uploads

CALAMINE_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
SUPPORTED_SUFFIXES = CALAMINE_SUFFIXES | CSV_SUFFIXES
# What each extension's content must be (a renamed file is refused before any reader opens it).
CONTENT_KINDS = {".xls": uploads.OLE} | dict.fromkeys(CSV_SUFFIXES, uploads.TEXT)
CONTENT_KINDS |= dict.fromkeys(CALAMINE_SUFFIXES - {".xls"}, uploads.ZIP)
# What the readers take: a path, or an open binary file (an upload).
Source = str | Path | IO[bytes]
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # Excel's 1900 date system (with its 1900 leap-year bug)


class UnreadableFile(ValueError):
    """The file is not a spreadsheet this module can read; the message says why."""


def read_rows(source: Source, filename: str) -> Iterator[tuple[int, list]]:
    """``(row number, cells)`` of the first sheet of ``source`` (a path or a binary file)."""
    yield from Sheet(source, filename).rows()


def row_count(source: Source, filename: str) -> int:
    """Rows of the first sheet (for progress bars), blank ones included."""
    return Sheet(source, filename).row_count


def check_file(source: Source, filename: str) -> None:
    """Refuse an uploaded spreadsheet past the limits before it is stored or parsed (raises
    ``uploads.UploadRefused``): too large, content not of its extension's type, a ZIP that
    expands too far, a CSV of too many rows (counted as it is read, stopping at the limit).
    An .xlsx/.ods's rows are counted when it is opened (``Sheet``): its XML is not parsed here."""
    suffix = _suffix(filename)
    _check_container(source, filename, suffix)
    if suffix in CSV_SUFFIXES:
        with uploads.opened(source) as handle:
            _count_csv_rows(_decode(handle.read()), uploads.size_of(source))


def _suffix(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFile(
            _("Unsupported file type %(suffix)s: use .xlsx, .xls, .ods or .csv.")
            % {"suffix": suffix or "?"}
        )
    return suffix


def _check_container(source, filename: str, suffix: str) -> None:
    uploads.check_size(source)
    uploads.check_kind(source, filename, CONTENT_KINDS[suffix])
    if CONTENT_KINDS[suffix] == uploads.ZIP:
        uploads.check_archive(source)


def _too_many_rows(size: int) -> uploads.UploadRefused:
    return uploads.UploadRefused(
        _(
            "The file (%(size)s) has more than %(limit)s rows, the limit for one import: split it "
            "into smaller files."
        )
        % {
            "size": uploads.size_text(size),
            "limit": uploads.count_text(uploads.max_import_rows()),
        }
    )


def _count_csv_rows(text: str, size: int) -> int:
    limit = uploads.max_import_rows()
    count = 0
    for count, _row in _csv_rows(text):
        if count > limit:
            raise _too_many_rows(size)
    return count


class Sheet:
    """The first sheet of a file, read once: its rows and its row count come from that read.

    A large .xlsx takes seconds to load (python-calamine does it without holding Python's
    lock); the import used to load it once to count rows, once to find the header and once to
    import. Errors of an unreadable file are raised here, as ``UnreadableFile``; a file past the
    upload limits is refused here too (``uploads.UploadRefused``), before a row is given.
    """

    def __init__(self, source: Source, filename: str) -> None:
        suffix = _suffix(filename)
        _check_container(source, filename, suffix)
        size = uploads.size_of(source)
        self._sheet = None
        self._text = None
        self._count: int | None = None
        if suffix in CALAMINE_SUFFIXES:
            self._sheet = _calamine_sheet(source)
            if self.row_count > uploads.max_import_rows():
                self._sheet = None  # let the cells go now, not when the caller drops the Sheet
                raise _too_many_rows(size)
        else:
            data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
            self._text = _decode(data)
            self._count = _count_csv_rows(self._text, size)

    @property
    def row_count(self) -> int:
        if self._count is None:
            sheet = self._sheet
            self._count = sheet.start[0] + sheet.height if sheet.height else 0
        return self._count

    def rows(self) -> Iterator[tuple[int, list]]:
        if self._sheet is not None:
            # iter_rows starts at the sheet's first row (leading empty rows included) and gives
            # a new list per row.
            return enumerate(self._sheet.iter_rows(), start=1)
        return _csv_rows(self._text)


def _calamine_sheet(source: Source):
    try:
        if isinstance(source, str | Path):
            workbook = CalamineWorkbook.from_path(str(source))
        else:
            workbook = CalamineWorkbook.from_filelike(source)
        return workbook.get_sheet_by_index(0)
    except (CalamineError, ValueError, OSError) as exc:
        raise UnreadableFile(
            _("The spreadsheet could not be read (%(error)s).") % {"error": exc}
        ) from exc
    except Exception as exc:  # calamine raises its own zip/xml errors
        raise UnreadableFile(
            _("The spreadsheet could not be read (%(error)s).") % {"error": exc}
        ) from exc


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    # UTF-16 without BOM: every other byte of ASCII text is zero.
    if len(data) >= 4 and data[1:40:2].count(0) > 10:
        return data.decode("utf-16-le")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            _('The CSV file is not in UTF-8 or UTF-16. Save it again as "CSV UTF-8".')
        ) from exc


def _csv_rows(text: str) -> Iterator[tuple[int, list]]:
    # Rows are counted as lines the way a spreadsheet shows them (quoted newlines stay in one row).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text[:20000]))
    yield from enumerate(reader, start=1)


def _delimiter(sample: str) -> str:
    """The column separator of a CSV file: of ``;`` (Excel in Vietnamese), ``,`` and tab, the one
    that splits the most rows of the sample into the same number of columns (two or more).

    ``csv.Sniffer`` guesses from character frequencies and is thrown by title lines above the
    table ("DANH SÁCH ĐOÀN VIÊN"), which officers' files nearly always have.
    """
    lines = sample.splitlines()[:-1] or sample.splitlines()  # the last may be cut short
    best, best_score = ",", (0, 0)
    for delimiter in (";", ",", "\t"):
        widths: dict[int, int] = {}
        for row in csv.reader(lines, delimiter=delimiter):
            if len(row) > 1:
                widths[len(row)] = widths.get(len(row), 0) + 1
        if widths:
            width, rows = max(widths.items(), key=lambda item: (item[1], item[0]))
            if (rows, width) > best_score:
                best, best_score = delimiter, (rows, width)
    return best


# --- cell values ---------------------------------------------------------------------------------
def cell_text(value: Any) -> str:
    """A cell as NFC text, trimmed; whole numbers lose their ``.0``."""
    if value is None or value == "":
        return ""
    if type(value) is str:  # the common case, kept fast: imports call this for every cell
        text = " ".join(value.split())
        if "\x00" in text:  # NUL: no database stores it, no spreadsheet means it
            text = " ".join(text.replace("\x00", "").split())
        return text if text.isascii() else unicodedata.normalize("NFC", text)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(value))).strip()


_DATE_PATTERNS = (
    re.compile(r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ].*)?$"),
    re.compile(r"^(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})$"),
)


def cell_date(value: Any) -> datetime.date | None:
    """A date from a date cell, an Excel serial number, ``dd/mm/yyyy``, ``dd-mm-yyyy`` or ISO.

    Raises ``ValueError`` for text that is not a date; ``None`` for an empty cell.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return excel_serial_date(value)
    text = cell_text(value)
    if not text:
        return None
    if re.fullmatch(r"\d{1,5}(\.\d+)?", text):
        return excel_serial_date(float(text))
    if re.fullmatch(r"\d{4}", text):  # only a year of birth: 1 January of it
        return datetime.date(int(text), 1, 1)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
    raise ValueError(text)


def excel_serial_date(number: float) -> datetime.date:
    if not 1 <= number < 2958466:
        raise ValueError(number)
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))
