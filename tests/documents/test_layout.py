"""What an issued paper looks like: the signer's block and the seal side by side, the seal's
text inside its ring, the signer's own unit named, times as people read them."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from congdoan.documents import services, signing
from tests.conftest import PASSWORD

from .conftest import draft, sample_pdf

PDFTOTEXT = shutil.which("pdftotext")
POSITIONS = ("bottom-right", "bottom-left", "bottom-center")


def _issue(tree, signer, clerk, doc_type, *, unit, position="bottom-right", **extra):
    doc = draft(signer, unit, doc_type, file=("qd.pdf", sample_pdf(1)), **extra)
    services.sign_document(signer, doc, password=PASSWORD, position=position)
    doc = services.issue_document(clerk, doc, password=PASSWORD)
    with doc.content.open("rb") as fh:
        return doc, fh.read()


def _widgets(data: bytes) -> dict[str, tuple[float, float, float, float]]:
    reader = PdfFileReader(io.BytesIO(data))
    page = reader.root["/Pages"]["/Kids"][-1].get_object()
    rects = {}
    for annot in page.get("/Annots", []):
        annot = annot.get_object()
        if annot.get("/Subtype") == "/Widget":
            rects[str(annot["/T"])] = tuple(float(v) for v in annot["/Rect"])
    return rects


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _text(data: bytes, tmp_path, *args: str) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [PDFTOTEXT, *args, str(path), "-"], capture_output=True, text=True, timeout=60
    ).stdout


@pytest.mark.parametrize("position", POSITIONS)
def test_signer_block_and_seal_do_not_overlap(tree, admin_user, doc_type, pki_ready, position):
    _doc, data = _issue(tree, admin_user, admin_user, doc_type, unit=tree.prov, position=position)
    rects = _widgets(data)
    signer, seal = rects["ChuKyNguoiKy"], rects["ChuKyCoQuan"]
    assert not _overlap(signer, seal), (signer, seal)
    for x1, y1, x2, y2 in (signer, seal):  # both on the A4 page
        assert 0 <= x1 < x2 <= 595 and 0 <= y1 < y2 <= 842


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils is not installed")
def test_a_federation_chair_signs_for_the_federation(
    tree, admin_user, zone_admin, doc_type, pki_ready, tmp_path
):
    """The chair of PROV signing a paper drafted by ZONE: the block names PROV, not ZONE."""
    _doc, data = _issue(
        tree,
        admin_user,
        zone_admin,
        doc_type,
        unit=tree.zone,
        signer_prefix="TM.",
        signer_position="Chủ tịch",
    )
    text = _text(data, tmp_path)
    signer_part = text[text.index("TM. ") :]
    assert "TM. LIÊN ĐOÀN LAO ĐỘNG TỈNH QUẢNG NINH" in signer_part.upper()
    block = signer_part[: signer_part.index("Thời gian ký")]
    assert tree.prov.name in block and tree.zone.name not in block


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils is not installed")
def test_seal_text_stays_inside_its_ring(tree, admin_user, doc_type, pki_ready, tmp_path):
    tree.prov.name = "Liên đoàn Lao động tỉnh Quảng Ninh và các Khu công nghiệp, Khu kinh tế"
    tree.prov.save()
    signing._seal_static.cache_clear()
    _doc, data = _issue(tree, admin_user, admin_user, doc_type, unit=tree.prov)
    x1, y1, x2, y2 = _widgets(data)["ChuKyCoQuan"]
    cx, cy = x1 + signing.SEAL_CENTRE[0], y2 - signing.SEAL_CENTRE[1]
    radius = signing.SEAL_BOX[0] / 2 - 4 - 2.4  # inside the red border
    page_height = 842
    html = _text(data, tmp_path, "-bbox")
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        html,
    )
    inside_box = []
    for wx1, wy1, wx2, wy2, word in words:
        wx1, wx2 = float(wx1), float(wx2)
        wy1, wy2 = page_height - float(wy2), page_height - float(wy1)  # to PDF coordinates
        if x1 <= wx1 and wx2 <= x2 and y1 <= wy1 and wy2 <= y2:
            inside_box.append(word)
            for px, py in ((wx1, wy1), (wx1, wy2), (wx2, wy1), (wx2, wy2)):
                assert (px - cx) ** 2 + (py - cy) ** 2 <= radius**2, (word, px, py)
    assert "KHU" in inside_box and "TẾ" in inside_box  # the whole name, inside the ring


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils is not installed")
def test_blocks_show_times_as_people_read_them(tree, admin_user, doc_type, pki_ready, tmp_path):
    doc, data = _issue(tree, admin_user, admin_user, doc_type, unit=tree.prov)
    text = _text(data, tmp_path)
    assert re.search(r"Thời gian ký: \d\d:\d\d:\d\d ngày \d\d/\d\d/20\d\d", text)
    assert "+07:00" not in text and "T0" not in text.replace("TTr", "")


def test_readable_time_is_vietnam_time():
    moment = datetime(2026, 12, 2, 5, 48, 52, tzinfo=ZoneInfo("UTC"))
    assert signing.readable_time(moment) == ("12:48:52", "ngày 02/12/2026")
    assert signing.iso_vietnam(moment) == "2026-12-02T12:48:52+07:00"


def test_seal_name_keeps_proper_names_and_phrases_on_one_line():
    name = signing.fit_seal_name("Liên đoàn Lao động tỉnh Quảng Ninh")
    assert name.lines == ("LIÊN ĐOÀN LAO ĐỘNG", "TỈNH QUẢNG NINH")
    long = signing.fit_seal_name(
        "Công đoàn cơ sở Công ty TNHH Một thành viên Than Hạ Long – Vinacomin Quảng Ninh"
    )
    assert len(long.lines) <= 3 and " ".join(long.lines).count("CÔNG ĐOÀN") == 1


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils is not installed")
def test_signer_block_keeps_place_names_on_one_line(tmp_path):
    unit = "Công đoàn cơ sở Công ty TNHH Một thành viên Than Hạ Long – Vinacomin"
    block = signing._signer_static((f"TM. {unit}", "Chủ tịch"), "Nguyễn Thị Hồng Hạnh", unit)
    lines = _text(block, tmp_path).splitlines()
    assert not [line for line in lines if line.rstrip().endswith(("Hạ", "HẠ"))], lines


PDFTOPPM = shutil.which("pdftoppm")


def _ink_box(image, wanted) -> tuple[int, int, int, int] | None:
    """The bounding box (left, top, right, bottom) of the pixels ``wanted`` accepts."""
    width, height = image.size
    pixels = image.load()
    xs, ys = [], []
    for y in range(height):
        for x in range(width):
            if wanted(*pixels[x, y][:3]):
                xs.append(x)
                ys.append(y)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


@pytest.mark.skipif(PDFTOPPM is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("position", POSITIONS)
def test_the_rendered_signature_page_shows_seal_and_block_apart(
    tree, admin_user, doc_type, pki_ready, tmp_path, position
):
    """The page as a reader sees it (poppler renders it to an image): the seal's red ink and
    the signer block's blue ink occupy separate areas, whatever the block's position."""
    from PIL import Image

    _doc, data = _issue(tree, admin_user, admin_user, doc_type, unit=tree.prov, position=position)
    pdf = tmp_path / "issued.pdf"
    pdf.write_bytes(data)
    pages = len(PdfFileReader(io.BytesIO(data)).root["/Pages"]["/Kids"])
    subprocess.run(
        [
            PDFTOPPM,
            "-r",
            "72",
            "-png",
            "-f",
            str(pages),
            "-l",
            str(pages),
            str(pdf),
            str(tmp_path / "p"),
        ],
        check=True,
        timeout=60,
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    seal = _ink_box(image, lambda r, g, b: r > 150 and g < 110 and b < 110)
    block = _ink_box(image, lambda r, g, b: b > 120 and r < 110 and b - r > 60)
    assert seal is not None and block is not None, (seal, block)
    apart = seal[2] < block[0] or block[2] < seal[0] or seal[3] < block[1] or block[3] < seal[1]
    assert apart, f"seal {seal} and signer block {block} overlap on the rendered page"
