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

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.utils.html import escape
from pyhanko.pdf_utils import content
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from congdoan.common.pdf import font_css

from . import pdftext, pki
from .header import NBSP, keep_names_together

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


class LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's ``SimpleSigner`` with the private key parsed once: ``SimpleSigner`` parses
    the PKCS#8 key again for every raw signature, twice per PDF (pyHanko signs a dummy first
    to size the signature's space), which for an RSA key means OpenSSL's key check each time
    (~50 ms for RSA-2048). Other mechanisms than RSA and ECDSA go through pyHanko as before.

    ``reserved``: the space (hex digits) pyHanko sized for this signer's first signature
    without a timestamp, read from its /ByteRange by ``sign_pdf`` and given for the next
    ones: pyHanko otherwise makes a whole dummy CMS signature before each real one just to
    size it (about a third of its work on a PDF of a few pages)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reserved: int | None = None
        self._key = serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algo = mechanism.signature_algo
        except ValueError:
            algo = mechanism["algorithm"].native
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if algo == "rsassa_pkcs1v15" and isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), hash_algo)
        if algo == "ecdsa" and isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(hash_algo))
        return super().sign_raw(data, digest_algorithm)


@dataclass
class KeyMaterial:
    certificate_der: bytes
    chain: list  # asn1crypto certificates
    encrypted_key: bytes

    def signer(self) -> LoadedKeySigner:
        """The signer of this key and certificate, made once per process (``_signer``)."""
        return _signer(
            bytes(self.certificate_der),
            tuple(cert.dump() for cert in self.chain),
            bytes(self.encrypted_key),
        )


@lru_cache(maxsize=32)
def _signer(certificate_der: bytes, chain: tuple[bytes, ...], encrypted_key: bytes):
    """Decrypting the key, parsing it and the certificates and indexing the chain cost more
    than the database work of a signature, so a signer is kept per certificate for the next
    signatures in this process. Keyed by the stored bytes: a re-issued or replaced key is a
    new entry. Whether the certificate may still sign (revoked, expired) is asked of the
    database at every signature, before and after signing, never of this cache. The key
    stays decrypted in this process's memory, which already holds the secret that decrypts
    every stored key (``pki._master_key``)."""
    return LoadedKeySigner(
        signing_cert=pki.to_asn1(certificate_der),
        signing_key=pki.private_key_info(encrypted_key),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(der) for der in chain]
        ),
    )


def forget_signers() -> None:
    """Drop the decrypted keys kept by ``_signer`` (tests; a rotated key secret)."""
    _signer.cache_clear()


def _reserved_in(signed: bytes) -> int | None:
    """The placeholder pyHanko reserved in the last signature of ``signed``: the gap its
    /ByteRange leaves, less the two angle brackets."""
    at = signed.rfind(b"/ByteRange")
    if at < 0:
        return None
    numbers = signed[at + 10 : at + 200].split(b"]", 1)[0].strip(b" [\r\n").split()
    try:
        _start, first, second, _rest = (int(x) for x in numbers[:4])
    except ValueError:
        return None
    return second - first - 2


def iso_vietnam(moment: datetime) -> str:
    """ISO 8601 in Vietnam time, e.g. 2026-11-22T10:15:00+07:00: kept in the signature's own
    data (its signing time); the visible blocks show ``readable_time``."""
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def readable_time(moment: datetime) -> tuple[str, str]:
    """("12:48:52", "ngày 02/12/2026") in Vietnam time, as people read it on a block."""
    local = moment.astimezone(VIETNAM)
    return local.strftime("%H:%M:%S"), f"ngày {local:%d/%m/%Y}"


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
    lines = "".join(
        f"<div class='t'>{escape(keep_names_together(line))}</div>" for line in title_lines if line
    )
    html = f"""<html><head><style>
      @page {{ size: {SIGNER_BOX[0]}pt {SIGNER_BOX[1]}pt; margin: 0 }}
      body {{ margin: 0; font-size: 6.6pt; color: #0b3d91; line-height: 1.22 }}
      .box {{ border: 0.8pt solid #0b3d91; border-radius: 3pt; padding: 3pt 4pt 11pt 4pt;
              height: {SIGNER_BOX[1] - 16}pt; overflow: hidden }}
      .t {{ font-weight: 700; text-transform: uppercase }} .n {{ font-weight: 700; font-size: 7.4pt }}
    </style></head><body><div class="box">{lines}
      <div>Ký bởi: <span class="n">{escape(name)}</span></div>
      <div>{escape(keep_names_together(unit))}</div>
    </div></body></html>"""
    return render_block(html)


def signer_appearance(
    *, title_lines: list[str], name: str, unit: str, moment: datetime
) -> Appearance:
    """Title lines, "Ký bởi: name", unit (cached) and "Thời gian ký: time" (drawn each time)."""
    static = _signer_static(tuple(nfc(line) for line in title_lines if line), nfc(name), nfc(unit))
    clock, day = readable_time(moment)
    return Appearance(static, (Line(f"Thời gian ký: {clock} {day}", 4.8, 5.6, 6.6, SIGNER_BLUE),))


# The seal's ring: centre and the radius text must stay within (inside the red border,
# with a little air), in points from the block's top left corner.
SEAL_CENTRE = (SEAL_BOX[0] / 2 - 1, SEAL_BOX[1] / 2 - 1)
SEAL_TEXT_RADIUS = SEAL_BOX[0] / 2 - 4 - 2.4 - 3
SEAL_NAME_BOTTOM = 45.0  # the unit's name ends here (from the top of the block); the star below
SEAL_NAME_SIZES = (6.4, 6.0, 5.6, 5.2, 4.8, 4.4, 4.0)
SEAL_NAME_MAX_LINES = 3
LINE_HEIGHT = 1.2


def _chord(top: float, bottom: float) -> float:
    """Width of the ring's inside between two heights (from the top of the block): the
    narrower of the chords at the line's top and bottom edges."""
    cy, r = SEAL_CENTRE[1], SEAL_TEXT_RADIUS
    far = max(abs(top - cy), abs(bottom - cy))
    return 2 * (r * r - far * far) ** 0.5 if far < r else 0.0


@dataclass(frozen=True)
class SealName:
    """The unit's name broken into lines that fit the ring, and the size they fit at; the
    lines end just above the star, so a short name sits lower, where the ring is wider."""

    lines: tuple[str, ...]
    size: float

    def top(self, index: int) -> float:
        height = self.size * LINE_HEIGHT
        return SEAL_NAME_BOTTOM - (len(self.lines) - index) * height


def _splits(words: list[str], parts: int):
    """Every way of cutting ``words`` into ``parts`` non-empty lines, in order."""
    if parts == 1:
        yield [" ".join(words)]
        return
    for cut in range(1, len(words) - parts + 2):
        for rest in _splits(words[cut:], parts - 1):
            yield [" ".join(words[:cut]), *rest]


def fit_seal_name(unit: str) -> SealName:
    """The name in capitals in at most three lines, each no wider than the ring at its
    height, at the largest size that fits, the lines as even as possible; words are never
    split, and a proper name ("Quảng Ninh") or a set phrase ("Công đoàn") is not cut across
    lines when any other cut fits."""
    glued = [w.replace(NBSP, " ") for w in keep_names_together(unit).upper().split(" ") if w]
    plain = unit.upper().split()
    metrics = pdftext.subset_for(" ".join(plain), bold=True)

    def slack(lines: list[str], size: float) -> float | None:
        """The tightest line's share of its chord (None: a line does not fit)."""
        height = size * LINE_HEIGHT
        name = SealName(tuple(lines), size)
        worst = 0.0
        for i, line in enumerate(lines):
            chord = _chord(name.top(i), name.top(i) + height)
            if chord <= 0 or metrics.width(line, size) > chord:
                return None
            worst = max(worst, metrics.width(line, size) / chord)
        return worst

    for words in (glued, plain):
        for size in SEAL_NAME_SIZES:
            fitting = [
                (len(lines), score, lines)
                for parts in range(1, min(SEAL_NAME_MAX_LINES, len(words)) + 1)
                for lines in _splits(words, parts)
                if (score := slack(lines, size)) is not None
            ]
            if fitting:
                return SealName(tuple(min(fitting)[2]), size)
    return SealName(tuple(_even_lines(plain, SEAL_NAME_MAX_LINES)), SEAL_NAME_SIZES[-1])


def _even_lines(words: list[str], parts: int) -> list[str]:
    per = -(-len(words) // parts)
    return [" ".join(words[i : i + per]) for i in range(0, len(words), per)]


@lru_cache(maxsize=64)
def _seal_static(unit: str) -> bytes:
    name = fit_seal_name(unit)
    lines = "".join(
        f"<div class='o' style='top: {name.top(i):.2f}pt'>{escape(line)}</div>"
        for i, line in enumerate(name.lines)
    )
    star_top = name.top(len(name.lines)) + 1
    html = f"""<html><head><style>
      @page {{ size: {SEAL_BOX[0]}pt {SEAL_BOX[1]}pt; margin: 0 }}
      body {{ margin: 0; color: #c8102e; text-align: center; line-height: {LINE_HEIGHT} }}
      .seal {{ position: absolute; left: 3pt; top: 3pt; width: {SEAL_BOX[0] - 8}pt;
               height: {SEAL_BOX[1] - 8}pt; border: 2.4pt solid #c8102e; border-radius: 50%;
               box-sizing: border-box }}
      .o {{ position: absolute; left: 0; width: {SEAL_BOX[0] - 2}pt; white-space: nowrap;
            font-weight: 700; font-size: {name.size}pt }}
      .star {{ position: absolute; left: 0; width: {SEAL_BOX[0] - 2}pt; top: {star_top:.2f}pt;
               font-size: 12pt; line-height: 1 }}
    </style></head><body><div class="seal"></div>{lines}<div class="star">★</div></body></html>"""
    return render_block(html)


def seal_appearance(*, unit: str, number_symbol: str, moment: datetime) -> Appearance:
    """The seal: unit and star (cached per unit), number and time (drawn each time), all
    inside the ring."""
    centre = SEAL_CENTRE[0]
    clock, day = readable_time(moment)
    return Appearance(
        _seal_static(nfc(unit)),
        (
            Line(nfc(number_symbol), centre, 50, 6.4, SEAL_RED, centre=True),
            Line(clock, centre, 40, 5.8, SEAL_RED, centre=True),
            Line(day, centre, 32.5, 5.8, SEAL_RED, centre=True),
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
    signer = material.signer()
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=timestamper,
        stamp_style=StaticStampStyle(
            background=BlockContent(appearance), border_width=0, background_opacity=1.0
        ),
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=page_ix, box=box),
    )
    # The space pyHanko sized for this signer's first signature fits the next ones (same
    # certificates, same attributes; pyHanko keeps a 50 % margin): no dummy signature then.
    # Time-stamped signatures are sized every time (the server's token may grow).
    reserved = None if timestamper else signer.reserved
    signed = pdf_signer.sign_pdf(writer, bytes_reserved=reserved).getvalue()
    if reserved is None and not timestamper:
        signer.reserved = _reserved_in(signed)
    return signed


def signer_box(
    pdf: bytes | IncrementalPdfFileWriter, page_ix: int, position: str
) -> tuple[int, int, int, int]:
    return _box_on_page(pdf, page_ix, SIGNER_BOX, position)


SEAL_GAP = 8  # points between the seal and the signer's block


def seal_box(
    pdf: bytes | IncrementalPdfFileWriter, page_ix: int, position: str
) -> tuple[int, int, int, int]:
    """Beside the signer's block, never over it: to its left, or to its right when the block
    sits at the left margin; vertically centred on it."""
    left, bottom, right, top = _box_on_page(pdf, page_ix, SIGNER_BOX, position)
    seal_left = right + SEAL_GAP if position == "bottom-left" else left - SEAL_GAP - SEAL_BOX[0]
    seal_bottom = bottom + (top - bottom - SEAL_BOX[1]) // 2
    return (seal_left, seal_bottom, seal_left + SEAL_BOX[0], seal_bottom + SEAL_BOX[1])
