"""A paper made with the Decree 30 heading: phrases never broken across lines, "Số: …" and
"place, ngày … tháng … năm …" present, filled when issued without breaking the signatures."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from functools import lru_cache

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from congdoan.documents import header, services
from congdoan.documents.verification import Verdict, verify_pdf
from tests.conftest import PASSWORD

from .conftest import draft

PDFTOTEXT, PDFSIG = shutil.which("pdftotext"), shutil.which("pdfsig")
CSS = "@page { size: A4; margin: 2cm 2cm 6.5cm 3cm } body { font-size: 13pt }"


@lru_cache(maxsize=2)
def paper(unit_name: str = "Liên đoàn Lao động tỉnh Quảng Ninh") -> bytes:
    heading = header.Heading(
        parent="Tổng Liên đoàn Lao động Việt Nam",
        unit=unit_name,
        place="Quảng Ninh",
        doc_type="Quyết định",
        summary="Về việc khen thưởng các công đoàn cơ sở vững mạnh năm 2026",
    )
    return header.compose_pdf(heading, "<p>Nội dung quyết định.</p>", extra_css=CSS)


def _lines(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "paper.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        [PDFTOTEXT, "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def _fields(data: bytes) -> dict[str, str]:
    reader = PdfFileReader(io.BytesIO(data))
    fields = reader.root["/AcroForm"]["/Fields"]
    return {
        str(f.get_object()["/T"]): str(f.get_object().get("/V", ""))
        for f in fields
        if f.get_object().get("/FT") == "/Tx"
    }


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils is not installed")
def test_phrases_stay_together_and_decree_30_lines_are_there(tmp_path):
    lines = _lines(paper(), tmp_path)
    text = "\n".join(lines)
    assert "Độc lập – Tự do – Hạnh phúc" in text
    assert "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "QUẢNG NINH" in text
    for line in lines:  # no line ends inside a phrase
        assert not line.endswith(("Hạnh", "QUẢNG", "LIÊN", "LAO", "CÔNG")), line
    assert any(line.startswith("Số:") for line in lines)
    assert any(line.startswith("Quảng Ninh,") for line in lines)


def test_the_number_and_date_are_empty_until_issued():
    assert _fields(paper()) == {header.NUMBER_FIELD: "", header.DATE_FIELD: ""}


def test_date_line_follows_decree_30():
    assert header.date_line(date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert header.date_line(date(2026, 12, 2)) == "ngày 02 tháng 12 năm 2026"
    assert header.date_line(date(2026, 11, 20)) == "ngày 20 tháng 11 năm 2026"


def test_issuing_fills_number_and_date_and_both_signatures_verify(
    tree, admin_user, doc_type, pki_ready, tmp_path
):
    doc = draft(admin_user, tree.prov, doc_type, file=("qd.pdf", paper()))
    services.sign_document(admin_user, doc, password=PASSWORD)
    doc = services.issue_document(admin_user, doc, password=PASSWORD, issue_date=date(2026, 2, 5))
    with doc.content.open("rb") as fh:
        data = fh.read()
    assert _fields(data) == {
        header.NUMBER_FIELD: doc.number_symbol,
        header.DATE_FIELD: "ngày 05 tháng 02 năm 2026",
    }
    report = verify_pdf(data)
    assert report.verdict == Verdict.VALID, [s.problems for s in report.signatures]
    assert not report.signatures[0].modified_after_signing
    if PDFSIG:
        path = tmp_path / "issued.pdf"
        path.write_bytes(data)
        out = subprocess.run([PDFSIG, str(path)], capture_output=True, text=True).stdout
        assert out.count("Signature is Valid.") == 2, out


def test_place_is_the_units_commune_or_province(tree):
    assert header.place_of(tree.prov) == "Quảng Ninh"
