"""Hostile files for the upload tests, built in the test run: a zip-bomb workbook (with honest or
lying sizes), a CSV of many rows, a PDF whose page tree loops."""

from __future__ import annotations

import io
import struct
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_NAME = "xl/worksheets/sheet1.xml"


def bomb_xlsx(expanded_bytes: int) -> bytes:
    """A real .xlsx whose sheet is ``expanded_bytes`` of identical rows (inline strings): it
    compresses about 1000:1 and opens in calamine like any workbook."""
    row = (
        '<row><c t="inlineStr"><is><t>Nguyễn Văn An</t></is></c>'
        '<c t="inlineStr"><is><t>Nam</t></is></c></row>'
    ).encode()
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    tail = b"</sheetData></worksheet>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open(SHEET_NAME, "w", force_zip64=False) as sheet:
            sheet.write(head)
            chunk = row * 4096
            written = len(head)
            while written < expanded_bytes:
                sheet.write(chunk)
                written += len(chunk)
            sheet.write(tail)
    return buffer.getvalue()


def lying_sizes(data: bytes, name: str = SHEET_NAME, declared: int = 1000) -> bytes:
    """``data`` (a ZIP) with ``name``'s uncompressed size rewritten to ``declared`` in both its
    local header and the central directory: the sizes a zip bomb may claim."""
    patched = bytearray(data)
    encoded = name.encode()
    at = patched.find(b"PK\x01\x02")
    while at != -1:  # central directory entries
        name_length = struct.unpack_from("<H", patched, at + 28)[0]
        if bytes(patched[at + 46 : at + 46 + name_length]) == encoded:
            struct.pack_into("<I", patched, at + 24, declared)
            local = struct.unpack_from("<I", patched, at + 42)[0]
            struct.pack_into("<I", patched, local + 22, declared)
        at = patched.find(b"PK\x01\x02", at + 4)
    return bytes(patched)


def csv_rows(count: int) -> bytes:
    lines = ["Họ và tên;Giới tính;Ngày sinh"]
    lines += [f"Người Thứ {i};Nam;01/01/1990" for i in range(count)]
    return ("\r\n".join(lines) + "\r\n").encode()


def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF written by hand: ``objects`` numbered from 1 (1 is the catalogue), with a correct
    cross-reference table, so readers reach the page tree exactly as it is written."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def cyclic_pdf() -> bytes:
    """One real page, then a /Pages node whose only kid is the root of the page tree: readers
    that follow /Kids without remembering where they have been never come back. /Count says 1,
    so a reader that only reads the count sees nothing wrong."""
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 0 >>",
        ]
    )
