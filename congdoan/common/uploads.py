"""What the project accepts as an uploaded file, checked before anything is stored or parsed:
its size, its type read from its content (not its name), archives that expand too far (zip
bombs), PDFs whose page tree loops, and the removal of what a refused upload left behind.

A 1.5 MB .xlsx expanding to 600 MB of XML and a 50 MB CSV of 1.3 million rows used to be
parsed in full (the server grew by more than a gigabyte and kept it). The limits are settings
(``UPLOAD_MAX_BYTES``, ``UPLOAD_MAX_UNCOMPRESSED_BYTES``, ``IMPORT_MAX_ROWS``); every refusal
names the limit and the file's size, in the officer's language.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What a file's first bytes say it is.
ZIP, OLE, PDF, TEXT, BINARY = "zip", "ole", "pdf", "text", "binary"
KIND_LABELS = {
    ZIP: gettext_lazy("a ZIP archive (.xlsx, .ods, .docx…)"),
    OLE: gettext_lazy("an Office 97–2003 file (.xls, .doc)"),
    PDF: gettext_lazy("a PDF document"),
    TEXT: gettext_lazy("plain text (.csv)"),
    BINARY: gettext_lazy("binary data of another kind"),
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD_BYTES = 8192
PDF_MAX_PAGE_NODES = 100_000  # far beyond any document an office uploads


class UploadRefused(ValueError):
    """An upload refused before it is parsed; ``message`` says why, for the person uploading."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def as_validation_error(self, field: str = "file") -> ValidationError:
        return ValidationError({field: self.message})


@contextlib.contextmanager
def refused_as(field: str = "file") -> Iterator[None]:
    """A refusal raised in the block becomes a ``ValidationError`` on ``field``: what services
    raise, forms show on the field and the API answers with 422."""
    try:
        yield
    except UploadRefused as exc:
        raise exc.as_validation_error(field) from exc


def validate_upload_size(upload) -> None:
    """A form field validator: ``check_size`` as the field's error."""
    try:
        check_size(upload)
    except UploadRefused as exc:
        raise ValidationError(exc.message, code="file_too_large") from exc


# --- limits --------------------------------------------------------------------------------------
def max_upload_bytes() -> int:
    return int(settings.UPLOAD_MAX_BYTES)


def max_uncompressed_bytes() -> int:
    return int(settings.UPLOAD_MAX_UNCOMPRESSED_BYTES)


def max_import_rows() -> int:
    return int(settings.IMPORT_MAX_ROWS)


def size_text(size: int) -> str:
    """A size as people read it ("1,5 MB" in Vietnamese)."""
    return str(filesizeformat(size))


def count_text(number: int) -> str:
    """A count with the language's thousands separator ("15.958" in Vietnamese, whose format
    module sets no grouping for ``number_format``)."""
    return f"{number:,}".replace(",", get_format("THOUSAND_SEPARATOR"))


# --- reading the upload without consuming it ----------------------------------------------------
@contextlib.contextmanager
def opened(source) -> Iterator:
    """A binary handle on ``source`` (a path, bytes, an uploaded file, a Django ``File`` or a binary
    file), at its start; a file-like source is put back where it was, for its owner to read."""
    if isinstance(source, bytes | bytearray):
        yield io.BytesIO(source)
        return
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            yield handle
        return
    position = source.tell()
    source.seek(0)
    try:
        yield source
    finally:
        source.seek(position)


def size_of(source) -> int:
    """The size in bytes an upload says it has (``SizeLimitedUploadHandler`` keeps the real size of
    a file it stopped storing), else the size of the file itself."""
    if isinstance(source, str | Path):
        return os.path.getsize(source)
    if isinstance(source, bytes | bytearray):
        return len(source)
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    with opened(source) as handle:
        return handle.seek(0, io.SEEK_END)


def head_of(source, length: int = HEAD_BYTES) -> bytes:
    with opened(source) as handle:
        return handle.read(length)


def content_kind(head: bytes) -> str:
    """ZIP, OLE (Office 97–2003), PDF, TEXT or BINARY, from a file's first bytes."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return ZIP
    if head.startswith(OLE_MAGIC):
        return OLE
    if b"%PDF-" in head[:1024]:  # the header may follow a little junk (ISO 32000-1, 7.5.2)
        return PDF
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return TEXT
    if len(head) >= 4 and head[1:40:2].count(0) > 10:  # UTF-16 without BOM (as spreadsheets read)
        return TEXT
    return BINARY if b"\x00" in head else TEXT


# --- checks --------------------------------------------------------------------------------------
def check_size(source, limit: int | None = None) -> int:
    """The upload's size; refused past ``limit`` (``UPLOAD_MAX_BYTES``)."""
    limit = max_upload_bytes() if limit is None else limit
    size = size_of(source)
    if size > limit:
        raise UploadRefused(
            _("The file is too large: %(size)s (the limit is %(limit)s).")
            % {"size": size_text(size), "limit": size_text(limit)}
        )
    return size


def check_kind(source, name: str, expected: str) -> None:
    """Refuse a file whose content is not of the ``expected`` kind its extension promises (a PDF
    renamed .xlsx, a web page saved as .xls)."""
    found = content_kind(head_of(source))
    if found != expected:
        raise UploadRefused(
            _(
                "The content of %(name)s does not match its extension %(suffix)s: it looks like "
                "%(kind)s. Open the file in its program and save it again in the right format."
            )
            % {
                "name": Path(name).name,
                "suffix": Path(name).suffix.lower() or "?",
                "kind": KIND_LABELS[found],
            }
        )


def check_archive(source) -> None:
    """Refuse a ZIP (.xlsx, .ods, .docx…) whose members expand past ``UPLOAD_MAX_UNCOMPRESSED_BYTES``.

    The sizes the archive declares are checked first (cheap); then each member is inflated and
    counted without being kept, because the declared sizes are the sender's word and a reader
    (calamine, LibreOffice) inflates until the stream ends. Stops as soon as the limit is passed.
    """
    limit = max_uncompressed_bytes()
    size = size_of(source)
    with opened(source) as handle:
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise UploadRefused(_("The file is damaged: it is not a readable archive.")) from exc
        with archive:
            infos = archive.infolist()
            declared = sum(info.file_size for info in infos)
            if declared > limit:
                raise _expands_too_far(size, declared, limit)
            expanded = 0
            for info in infos:
                expanded += _inflated_size(handle, info, limit - expanded)
                if expanded > limit:
                    raise _expands_too_far(size, expanded, limit)


def _expands_too_far(size: int, expanded: int, limit: int) -> UploadRefused:
    return UploadRefused(
        _(
            "The file (%(size)s) expands to %(expanded)s or more when opened, past the limit of "
            "%(limit)s: split it into smaller files."
        )
        % {"size": size_text(size), "expanded": size_text(expanded), "limit": size_text(limit)}
    )


def _inflated_size(handle, info: zipfile.ZipInfo, budget: int) -> int:
    """What one member really expands to, counted up to ``budget`` (+ one chunk) and not kept."""
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    if info.compress_type != zipfile.ZIP_DEFLATED:  # what office files never use
        raise UploadRefused(_("The file is damaged: it is not a readable archive."))
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise UploadRefused(_("The file is damaged: it is not a readable archive."))
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    left, total = info.compress_size, 0
    try:
        while left > 0 and not inflater.eof and total <= budget:
            data = handle.read(min(left, 1 << 16))
            if not data:
                break
            left -= len(data)
            while data and total <= budget:
                total += len(inflater.decompress(data, 1 << 20))  # at most 1 MB held at a time
                data = inflater.unconsumed_tail
    except zlib.error as exc:
        raise UploadRefused(_("The file is damaged: it is not a readable archive.")) from exc
    return total


def check_pdf(data: bytes) -> int:
    """The page count of an uploaded PDF; refused when it is not a PDF, cannot be read, or its page
    tree loops. Signing walks the page tree to place its block; a tree whose /Kids lead back to a
    node already seen would make any reader that trusts it recurse or loop, so it is refused here,
    at upload, by a walk that remembers each node."""
    if content_kind(data[:1024]) != PDF:
        raise UploadRefused(_("The file is not a PDF."))
    try:
        pages = _page_tree_leaves(data)
    except UploadRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - any parse failure of an untrusted file
        raise UploadRefused(_("The PDF file could not be read.")) from exc
    if pages == 0:
        raise UploadRefused(_("The PDF file has no pages."))
    return pages


def _page_tree_leaves(data: bytes) -> int:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader

    cyclic = UploadRefused(
        _(
            "The PDF file is damaged: its page tree refers back to itself. Print or save it "
            "again as PDF and upload the new file."
        )
    )
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    pending = [reader.root.raw_get("/Pages")]
    seen: set[tuple[int, int]] = set()
    leaves = 0
    while pending:
        item = pending.pop()
        if isinstance(item, generic.IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                raise cyclic
            seen.add(key)
            if len(seen) > PDF_MAX_PAGE_NODES:  # bounds the walk of a crafted tree
                raise UploadRefused(_("The PDF file could not be read."))
            item = item.get_object()
        if not isinstance(item, generic.DictionaryObject):
            raise UploadRefused(_("The PDF file could not be read."))
        if "/Kids" not in item:
            leaves += 1
            continue
        kids = item.raw_get("/Kids")
        if isinstance(kids, generic.IndirectObject):
            kids = kids.get_object()
        if not isinstance(kids, generic.ArrayObject):
            raise UploadRefused(_("The PDF file could not be read."))
        pending.extend(kids.raw_get(index) for index in range(len(kids)))
    return leaves


# --- after a refusal -----------------------------------------------------------------------------
@contextlib.contextmanager
def removed_on_failure() -> Iterator[Callable]:
    """``with removed_on_failure() as stored: field_file.save(...); stored(field_file)``: files
    stored in the block are deleted again if it raises, so a refused or failed upload leaves
    nothing in MEDIA_ROOT (a rolled-back transaction does not remove files)."""
    files: list = []
    try:
        yield files.append
    except BaseException:
        for field_file in files:
            with contextlib.suppress(OSError):
                field_file.delete(save=False)
        raise


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Django's handler for large uploads, which stops writing a file to disk once it passes
    ``UPLOAD_MAX_BYTES``: the rest of the body is read but dropped, so a 5 GB upload cannot
    fill the disk. The file keeps its real ``size``, and ``check_size`` refuses it with that
    size (Django's own ``StopUpload`` would drop the field and say "required" instead)."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        room = max_upload_bytes() + 1 - self.received  # one byte past the limit tells the size
        self.received += len(raw_data)
        if room > 0:
            self.file.write(raw_data[:room])
        return None
