"""The files a document arrives as: uploads checked before anything is stored, Word and
OpenDocument files converted to PDF with LibreOffice when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from congdoan.common import uploads

CONVERTIBLE = {".docx", ".odt", ".doc", ".rtf"}
ZIP_OFFICE = {".docx", ".odt"}  # ZIP archives: checked for what they expand to before conversion

# An uploaded file, or a ``(name, bytes)`` pair (the demo, commands and tests).
Upload = UploadedFile | tuple[str, bytes]


def office_converter() -> str | None:
    """Path of LibreOffice when installed: DOCX/ODT uploads are converted, else a PDF is asked."""
    return shutil.which("libreoffice") or shutil.which("soffice")


def convert_to_pdf(name: str, data: bytes) -> bytes:
    tool = office_converter()
    if tool is None:
        raise ValidationError(
            {
                "file": _(
                    "This server cannot convert Word or OpenDocument files; please upload a PDF."
                )
            }
        )
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / Path(name).name
        source.write_bytes(data)
        subprocess.run(
            [tool, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(source)],
            check=False,
            capture_output=True,
            timeout=180,
        )
        out = source.with_suffix(".pdf")
        if not out.exists():
            raise ValidationError({"file": _("The file could not be converted to PDF.")})
        return out.read_bytes()


def read_upload(upload: Upload) -> tuple[str, bytes]:
    """(name, bytes) of an uploaded file, or of a ``(name, bytes)`` pair."""
    if isinstance(upload, tuple):
        return upload
    upload.seek(0)
    return upload.name, upload.read()


def check_upload_size(upload: Upload) -> None:
    uploads.check_size(upload[1] if isinstance(upload, tuple) else upload)


def pdf_content(
    upload: Upload | None, field: str = "file"
) -> tuple[bytes, tuple[str, bytes] | None]:
    """The PDF of an upload, converting office files; (pdf, original source or None).

    Checked before anything is stored (``congdoan.common.uploads``): the size limit, a Word or
    OpenDocument file's expansion before LibreOffice opens it, and the PDF itself (by content,
    readable, a page tree without loops: signing walks it)."""
    if upload is None:
        raise ValidationError({field: _("Choose the document file (PDF).")})
    with uploads.refused_as(field):
        check_upload_size(upload)
        name, data = read_upload(upload)
        suffix = Path(name).suffix.lower()
        source = None
        if suffix in CONVERTIBLE:
            if suffix in ZIP_OFFICE:
                uploads.check_kind(data, name, uploads.ZIP)
                uploads.check_archive(data)
            source = (name, data)
            data = convert_to_pdf(name, data)
            name = Path(name).with_suffix(".pdf").name
        uploads.check_pdf(data)
    return data, source
