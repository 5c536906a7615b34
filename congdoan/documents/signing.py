"""PAdES signing with pyHanko: a visible block on the chosen page, one incremental update each.

The visible appearance is a small PDF rendered by WeasyPrint (fonts with every Vietnamese
diacritic embedded) and imported as the signature field's appearance, so names such as
"Nguyễn Thị Hồng Hạnh" are drawn correctly. pyHanko's own text stamps use a simple font.
"""

from __future__ import annotations

import binascii
import io
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils.html import escape
from pyhanko.pdf_utils import content
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from congdoan.common.pdf import render_pdf

from . import pki

# Box sizes in PDF points (1/72 inch).
SIGNER_BOX = (200, 78)
SEAL_BOX = (120, 120)
POSITIONS = ("bottom-right", "bottom-left", "bottom-center")


class ImportedPdfBytes(content.ImportedPdfPage):
    """Like pyHanko's ``ImportedPdfPage``, reading from bytes instead of a file name."""

    def __init__(self, data: bytes, page_ix: int = 0):
        self.data = data
        super().__init__("<bytes>", page_ix)

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobj = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.data)), page_ix=self.page_ix)
        name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[name.decode("ascii")] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name + b" Do"


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
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).replace(microsecond=0).isoformat()


def signer_appearance(*, title_lines: list[str], name: str, unit: str, moment: datetime) -> bytes:
    lines = "".join(f"<div class='t'>{escape(line)}</div>" for line in title_lines if line)
    html = f"""<html><head><style>
      @page {{ size: {SIGNER_BOX[0]}pt {SIGNER_BOX[1]}pt; margin: 0 }}
      body {{ margin: 0; font-size: 6.6pt; color: #0b3d91; line-height: 1.22 }}
      .box {{ border: 0.8pt solid #0b3d91; border-radius: 3pt; padding: 3pt 4pt; height: {SIGNER_BOX[1] - 8}pt; }}
      .t {{ font-weight: 700; text-transform: uppercase }} .n {{ font-weight: 700; font-size: 7.4pt }}
    </style></head><body><div class="box">{lines}
      <div>Ký bởi: <span class="n">{escape(name)}</span></div>
      <div>{escape(unit)}</div><div>Thời gian ký: {escape(iso_vietnam(moment))}</div>
    </div></body></html>"""
    return render_pdf(html)


def seal_appearance(*, unit: str, number_symbol: str, moment: datetime) -> bytes:
    html = f"""<html><head><style>
      @page {{ size: {SEAL_BOX[0]}pt {SEAL_BOX[1]}pt; margin: 0 }}
      body {{ margin: 0; color: #c8102e; font-size: 6pt; text-align: center; line-height: 1.2 }}
      .seal {{ width: {SEAL_BOX[0] - 8}pt; height: {SEAL_BOX[1] - 8}pt; margin: 3pt; border: 2.4pt solid #c8102e;
               border-radius: 50%; box-sizing: border-box; padding: 14pt 8pt 0 8pt; }}
      .o {{ font-weight: 700; text-transform: uppercase; font-size: 6.2pt }}
      .star {{ font-size: 12pt; line-height: 1 }}
    </style></head><body><div class="seal">
      <div class="o">{escape(unit)}</div><div class="star">★</div>
      <div>{escape(number_symbol)}</div><div>{escape(iso_vietnam(moment))}</div>
    </div></body></html>"""
    return render_pdf(html)


def page_count(pdf: bytes) -> int:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return int(reader.root["/Pages"]["/Count"])


def _box_on_page(pdf: bytes, page_ix: int, size: tuple[int, int], position: str, shift: int = 0) -> tuple[int, int, int, int]:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    # Read the page's MediaBox; A4 when it cannot be read (e.g. inherited from the tree).
    try:
        page_obj = reader.find_page_for_modification(page_ix)[0]
        x1, y1, x2, _y2 = [float(v) for v in page_obj["/MediaBox"]]
    except Exception:  # noqa: BLE001 - any odd page tree: fall back to A4
        x1, y1, x2 = 0, 0, 595
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


def sign_pdf(
    pdf: bytes, material: KeyMaterial, *, field_name: str, appearance: bytes, page_ix: int, box: tuple,
    reason: str, location: str, signer_name: str, timestamp_url: str = "",
) -> bytes:
    """Add one PAdES signature as an incremental update; earlier signatures stay valid."""
    timestamper = None
    if timestamp_url:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(timestamp_url, timeout=15)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location=location, name=signer_name,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=material.signer(), timestamper=timestamper,
        stamp_style=StaticStampStyle(background=ImportedPdfBytes(appearance), border_width=0, background_opacity=1.0),
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=page_ix, box=box),
    )
    return pdf_signer.sign_pdf(writer).getvalue()


def signer_box(pdf: bytes, page_ix: int, position: str) -> tuple[int, int, int, int]:
    return _box_on_page(pdf, page_ix, SIGNER_BOX, position)


def seal_box(pdf: bytes, page_ix: int, position: str) -> tuple[int, int, int, int]:
    # The seal covers the left part of the signer's block, as a red seal does on paper.
    left, bottom, _right, _top = _box_on_page(pdf, page_ix, SIGNER_BOX, position)
    return (left - SEAL_BOX[0] // 2, bottom - 20, left - SEAL_BOX[0] // 2 + SEAL_BOX[0], bottom - 20 + SEAL_BOX[1])
