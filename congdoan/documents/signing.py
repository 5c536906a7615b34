"""PAdES signing with pyHanko: a visible block on the chosen page, one incremental update each.

The fixed part of each block (titles, "Ký bởi: name", unit; the seal's unit and star) is a
small PDF rendered by WeasyPrint with an embedded Vietnamese-complete font, cached per signer
or unit (rendering costs ~60 ms, more than the signature itself). The signing time and the
seal's number are drawn over it with an embedded subset of the same font (``pdftext``), so
names such as "Nguyễn Thị Hồng Hạnh" and numbers such as "05/QĐ-LĐLĐ" are drawn correctly.
pyHanko's own text stamps would need HarfBuzz, which is not installed.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils.html import escape
from pyhanko.pdf_utils import content
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from congdoan.common.pdf import font_css

from . import pdftext, pki

# Box sizes in PDF points (1/72 inch).
SIGNER_BOX = (200, 78)
SEAL_BOX = (120, 120)
POSITIONS = ("bottom-right", "bottom-left", "bottom-center")
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Line:
    """A line drawn over the cached part: baseline at ``y``, starting at ``x`` (its centre
    when ``centre``), in points from the block's lower left corner."""

    text: str
    x: float
    y: float
    size: float
    color: tuple[float, float, float]
    centre: bool = False


@dataclass(frozen=True)
class Appearance:
    """A signature block: a cached PDF page (WeasyPrint) plus the lines that change."""

    static: bytes
    lines: tuple[Line, ...] = ()


class BlockContent(content.PdfContent):
    """The block as pyHanko stamp content: the cached page as a form XObject, then the lines
    in an embedded subset of the same font (see ``pdftext``)."""

    def __init__(self, appearance: Appearance | bytes):
        super().__init__()
        self.appearance = (
            appearance if isinstance(appearance, Appearance) else Appearance(appearance)
        )

    def render(self) -> bytes:
        writer = self._ensure_writer
        reader = PdfFileReader(io.BytesIO(self.appearance.static), strict=False)
        xobj = writer.import_page_as_xobject(reader, page_ix=0)
        self.resources.xobject["/Block"] = xobj
        x1, y1, x2, y2 = [float(v) for v in xobj.get_object()["/BBox"]]
        self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        ops = [b"q /Block Do Q"]
        lines = self.appearance.lines
        if lines:
            subset = pdftext.subset_for("".join(line.text for line in lines))
            self.resources.font["/FT"] = pdftext.embed_font(writer, subset)
            for line in lines:
                x = line.x - subset.width(line.text, line.size) / 2 if line.centre else line.x
                ops.append(
                    pdftext.show_text(
                        subset,
                        "FT",
                        line.text,
                        x=min(x1, x2) + x,
                        y=min(y1, y2) + line.y,
                        size=line.size,
                        color=line.color,
                    )
                )
        return b"\n".join(ops)


@dataclass
class KeyMaterial:
    certificate_der: bytes
    chain: list  # asn1crypto certificates
    encrypted_key: bytes

    def signer(self) -> signers.SimpleSigner:
        return signers.SimpleSigner(
            signing_cert=pki.to_asn1(self.certificate_der),
            signing_key=pki.private_key_info(self.encrypted_key),
            cert_registry=SimpleCertificateStore.from_certs(self.chain),
        )


def iso_vietnam(moment: datetime) -> str:
    """ISO 8601 in Vietnam time, e.g. 2026-11-22T10:15:00+07:00 (Decree 30, seal signature)."""
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def render_block(html: str) -> bytes:
    """WeasyPrint with a font configuration, so that the ``@font-face`` rules of
    ``common.pdf.font_css`` (Be Vietnam Pro) apply; the lines drawn by ``pdftext`` use the
    same font."""
    # Imported here: WeasyPrint takes ~0.8 s to import, and most processes never render.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    return HTML(string=html).write_pdf(
        stylesheets=[CSS(string=font_css(), font_config=config)], font_config=config
    )


SIGNER_BLUE = (11 / 255, 61 / 255, 145 / 255)
SEAL_RED = (200 / 255, 16 / 255, 46 / 255)


@lru_cache(maxsize=256)
def _signer_static(title_lines: tuple[str, ...], name: str, unit: str) -> bytes:
    """The fixed part of a signer's block, rendered once per signer, position and unit."""
    lines = "".join(f"<div class='t'>{escape(line)}</div>" for line in title_lines if line)
    html = f"""<html><head><style>
      @page {{ size: {SIGNER_BOX[0]}pt {SIGNER_BOX[1]}pt; margin: 0 }}
      body {{ margin: 0; font-size: 6.6pt; color: #0b3d91; line-height: 1.22 }}
      .box {{ border: 0.8pt solid #0b3d91; border-radius: 3pt; padding: 3pt 4pt 11pt 4pt;
              height: {SIGNER_BOX[1] - 16}pt; overflow: hidden }}
      .t {{ font-weight: 700; text-transform: uppercase }} .n {{ font-weight: 700; font-size: 7.4pt }}
    </style></head><body><div class="box">{lines}
      <div>Ký bởi: <span class="n">{escape(name)}</span></div>
      <div>{escape(unit)}</div>
    </div></body></html>"""
    return render_block(html)


def signer_appearance(
    *, title_lines: list[str], name: str, unit: str, moment: datetime
) -> Appearance:
    """Title lines, "Ký bởi: name", unit (cached) and "Thời gian ký: time" (drawn each time)."""
    static = _signer_static(tuple(nfc(line) for line in title_lines if line), nfc(name), nfc(unit))
    return Appearance(
        static, (Line(f"Thời gian ký: {iso_vietnam(moment)}", 4.8, 5.6, 6.6, SIGNER_BLUE),)
    )


@lru_cache(maxsize=64)
def _seal_static(unit: str) -> bytes:
    html = f"""<html><head><style>
      @page {{ size: {SEAL_BOX[0]}pt {SEAL_BOX[1]}pt; margin: 0 }}
      body {{ margin: 0; color: #c8102e; font-size: 6pt; text-align: center; line-height: 1.2 }}
      .seal {{ width: {SEAL_BOX[0] - 8}pt; height: {SEAL_BOX[1] - 8}pt; margin: 3pt; border: 2.4pt solid #c8102e;
               border-radius: 50%; box-sizing: border-box; padding: 19pt 12pt 0 12pt; }}
      .o {{ font-weight: 700; text-transform: uppercase; font-size: 6.2pt; max-height: 23pt; overflow: hidden }}
      .star {{ font-size: 12pt; line-height: 1 }}
    </style></head><body><div class="seal">
      <div class="o">{escape(unit)}</div><div class="star">★</div>
    </div></body></html>"""
    return render_block(html)


def seal_appearance(*, unit: str, number_symbol: str, moment: datetime) -> Appearance:
    """The seal: unit and star (cached per unit), number and ISO 8601 time (drawn each time)."""
    centre = SEAL_BOX[0] / 2 - 1
    return Appearance(
        _seal_static(nfc(unit)),
        (
            Line(nfc(number_symbol), centre, 50, 6.4, SEAL_RED, centre=True),
            Line(iso_vietnam(moment), centre, 41, 5.8, SEAL_RED, centre=True),
        ),
    )


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def open_pdf(pdf: bytes) -> IncrementalPdfFileWriter:
    """Parse once: page count, box and signature all read the same (cached) objects."""
    return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)


def _reader(pdf: bytes | IncrementalPdfFileWriter) -> PdfFileReader:
    if isinstance(pdf, IncrementalPdfFileWriter):
        return pdf.prev
    return PdfFileReader(io.BytesIO(pdf), strict=False)


def page_count(pdf: bytes | IncrementalPdfFileWriter) -> int:
    return int(_reader(pdf).root["/Pages"]["/Count"])


def _media_box(
    pdf: bytes | IncrementalPdfFileWriter, page_ix: int
) -> tuple[float, float, float, float]:
    """The page's MediaBox, inherited from the page tree when needed; A4 when unreadable."""
    try:
        node = _reader(pdf).find_page_for_modification(page_ix)[0]
        for _depth in range(32):
            if "/MediaBox" in node:
                x1, y1, x2, y2 = [float(v) for v in node["/MediaBox"]]
                return x1, y1, x2, y2
            node = node["/Parent"].get_object()
    except Exception:  # noqa: BLE001 - any odd page tree: fall back to A4
        pass
    return 0.0, 0.0, 595.0, 842.0


def _box_on_page(
    pdf: bytes | IncrementalPdfFileWriter,
    page_ix: int,
    size: tuple[int, int],
    position: str,
    shift: int = 0,
) -> tuple[int, int, int, int]:
    x1, y1, x2, _y2 = _media_box(pdf, page_ix)
    width, height = size
    margin = 36
    if position == "bottom-left":
        left = x1 + margin + shift
    elif position == "bottom-center":
        left = (x1 + x2 - width) / 2 + shift
    else:
        left = x2 - margin - width + shift
    bottom = y1 + margin + 20
    return (int(left), int(bottom), int(left + width), int(bottom + height))


@lru_cache(maxsize=8)
def _timestamper(url: str, timeout: int) -> RequestsHTTPTimeStamper:
    # One per server, kept: pyHanko asks a new timestamper for a dummy token first (to size
    # the signature), which would double every wait for the server.
    return RequestsHTTPTimeStamper(url, timeout=timeout)


def sign_pdf(
    pdf: bytes | IncrementalPdfFileWriter,
    material: KeyMaterial,
    *,
    field_name: str,
    appearance: Appearance | bytes,
    page_ix: int,
    box: tuple,
    reason: str,
    location: str,
    signer_name: str,
    timestamp_url: str = "",
    timestamp_timeout: int = 15,
) -> bytes:
    """Add one PAdES signature as an incremental update; earlier signatures stay valid.

    ``pdf`` may be the writer from ``open_pdf`` (one use only) to avoid parsing it again.
    With ``timestamp_url`` the signature is time-stamped (RFC 3161); ``timestamp_timeout``
    bounds each wait for that server (connecting, and every read), in seconds."""
    timestamper = _timestamper(timestamp_url, timestamp_timeout) if timestamp_url else None
    writer = pdf if isinstance(pdf, IncrementalPdfFileWriter) else open_pdf(pdf)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=signer_name,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=material.signer(),
        timestamper=timestamper,
        stamp_style=StaticStampStyle(
            background=BlockContent(appearance), border_width=0, background_opacity=1.0
        ),
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=page_ix, box=box),
    )
    return pdf_signer.sign_pdf(writer).getvalue()


def signer_box(
    pdf: bytes | IncrementalPdfFileWriter, page_ix: int, position: str
) -> tuple[int, int, int, int]:
    return _box_on_page(pdf, page_ix, SIGNER_BOX, position)


def seal_box(
    pdf: bytes | IncrementalPdfFileWriter, page_ix: int, position: str
) -> tuple[int, int, int, int]:
    # The seal covers the left part of the signer's block, as a red seal does on paper.
    left, bottom, _right, _top = _box_on_page(pdf, page_ix, SIGNER_BOX, position)
    return (
        left - SEAL_BOX[0] // 2,
        bottom - 20,
        left - SEAL_BOX[0] // 2 + SEAL_BOX[0],
        bottom - 20 + SEAL_BOX[1],
    )
