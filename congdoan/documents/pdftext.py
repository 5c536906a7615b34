"""A few lines of text in a PDF content stream with an embedded TrueType subset.

The signature blocks change only in their signing time (and, for the seal, the document's
number), so the fixed part is rendered once by WeasyPrint and cached, and the changing lines
are written here: a Type0 font (Identity-H, CIDs = glyph ids of a subset of Be Vietnam Pro,
DejaVu Sans when it is not installed) with a ToUnicode map, so the text is embedded, can be
copied and searched, and every Vietnamese letter is drawn (shared/DOMAIN.md, Fonts).

No shaping is done (pyHanko's own engine needs HarfBuzz): the lines are NFC text whose
precomposed letters Be Vietnam Pro maps to single glyphs, so advance widths are enough.

Subsetting costs ~0.1 s, so subsets are cached per character repertoire: the signing time,
the seal's lines (digits, capitals, "Đ"), every Vietnamese letter, and as a last resort the
exact characters of a line.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pyhanko.pdf_utils import generic

from congdoan.common.pdf import DEJAVU_DIR, be_vietnam_pro_dir

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VIETNAMESE = {unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES} | {"đ"}
_VIETNAMESE |= {c.upper() for c in _VIETNAMESE}
_ASCII = {chr(i) for i in range(32, 127)}

REPERTOIRES = (
    frozenset("0123456789-:+T /") | frozenset("Thời gian ký: ngày"),
    frozenset("0123456789-:+T /.,()–")
    | frozenset("ngày")
    | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZĐ"),
    frozenset(_ASCII | _VIETNAMESE | set("–—“”‘’…")),
)


def font_path(bold: bool = False) -> Path:
    folder = be_vietnam_pro_dir()
    if folder is not None:
        path = folder / ("BeVietnamPro-Bold.ttf" if bold else "BeVietnamPro-Regular.ttf")
        if path.exists():
            return path
    return DEJAVU_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")


@dataclass(frozen=True)
class FontSubset:
    data: bytes  # the subset TrueType file
    ps_name: str  # "ABCDEF+BeVietnamPro-Regular"
    glyphs: dict  # character -> glyph id in the subset
    widths: dict  # glyph id -> advance in 1/1000 em
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple

    def width(self, text: str, size: float) -> float:
        return sum(self.widths[self.glyphs.get(ch, 0)] for ch in text) * size / 1000


def _tag(chars: frozenset) -> str:
    """Six capital letters naming the subset, as PDF requires (ISO 32000-1, 9.6.4)."""
    value = int.from_bytes(hashlib.sha256("".join(sorted(chars)).encode()).digest()[:8], "big")
    letters = []
    for _ in range(6):
        value, rest = divmod(value, 26)
        letters.append(chr(65 + rest))
    return "".join(letters)


@lru_cache(maxsize=64)
def _subset(path: str, chars: frozenset) -> FontSubset:
    # Imported here: fontTools' subsetter takes ~0.13 s to import, once per process that signs.
    from fontTools import subset, ttLib

    font = ttLib.TTFont(path)
    ps_name = font["name"].getDebugName(6) or Path(path).stem
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = [1, 2, 3, 4, 6]
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    glyphs = {ch: font.getGlyphID(cmap[ord(ch)]) for ch in chars if ord(ch) in cmap}
    widths = {
        font.getGlyphID(name): round(adv * scale)
        for name, (adv, _lsb) in font["hmtx"].metrics.items()
    }
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    return FontSubset(
        data=out.getvalue(),
        ps_name=f"{_tag(chars)}+{ps_name}",
        glyphs=glyphs,
        widths=widths,
        ascent=round(hhea.ascent * scale),
        descent=round(hhea.descent * scale),
        cap_height=round(getattr(os2, "sCapHeight", 0) * scale or hhea.ascent * scale * 0.7),
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
    )


def subset_for(text: str, bold: bool = False) -> FontSubset:
    """The smallest cached subset whose repertoire covers ``text``."""
    chars = frozenset(text)
    for repertoire in REPERTOIRES:
        if chars <= repertoire:
            return _subset(str(font_path(bold)), repertoire)
    return _subset(str(font_path(bold)), chars)


def _to_unicode(subset: FontSubset) -> bytes:
    pairs = sorted((gid, ch) for ch, gid in subset.glyphs.items())
    lines = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(pairs), 100):  # at most 100 entries per block
        chunk = pairs[start : start + 100]
        lines.append(b"%d beginbfchar" % len(chunk))
        lines += [
            b"<%04X> <%s>" % (gid, ch.encode("utf-16-be").hex().upper().encode())
            for gid, ch in chunk
        ]
        lines.append(b"endbfchar")
    lines.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return b"\n".join(lines)


def embed_font(writer, subset: FontSubset) -> generic.IndirectObject:
    """Add the subset as a Type0 font to ``writer``; returns the font dictionary's reference."""
    n = generic.NameObject
    font_file = generic.StreamObject(
        {n("/Length1"): generic.NumberObject(len(subset.data))}, stream_data=subset.data
    )
    font_file.compress()
    to_unicode = generic.StreamObject(stream_data=_to_unicode(subset))
    to_unicode.compress()
    descriptor = generic.DictionaryObject(
        {
            n("/Type"): n("/FontDescriptor"),
            n("/FontName"): n("/" + subset.ps_name),
            n("/Flags"): generic.NumberObject(4),
            n("/FontBBox"): generic.ArrayObject(generic.NumberObject(v) for v in subset.bbox),
            n("/ItalicAngle"): generic.NumberObject(0),
            n("/Ascent"): generic.NumberObject(subset.ascent),
            n("/Descent"): generic.NumberObject(subset.descent),
            n("/CapHeight"): generic.NumberObject(subset.cap_height),
            n("/StemV"): generic.NumberObject(80),
            n("/FontFile2"): writer.add_object(font_file),
        }
    )
    widths = generic.ArrayObject()
    for gid in sorted(set(subset.glyphs.values())):
        widths += [
            generic.NumberObject(gid),
            generic.ArrayObject([generic.NumberObject(subset.widths[gid])]),
        ]
    cid_font = generic.DictionaryObject(
        {
            n("/Type"): n("/Font"),
            n("/Subtype"): n("/CIDFontType2"),
            n("/BaseFont"): n("/" + subset.ps_name),
            n("/CIDSystemInfo"): generic.DictionaryObject(
                {
                    n("/Registry"): generic.TextStringObject("Adobe"),
                    n("/Ordering"): generic.TextStringObject("Identity"),
                    n("/Supplement"): generic.NumberObject(0),
                }
            ),
            n("/FontDescriptor"): writer.add_object(descriptor),
            n("/CIDToGIDMap"): n("/Identity"),
            n("/DW"): generic.NumberObject(1000),
            n("/W"): widths,
        }
    )
    return writer.add_object(
        generic.DictionaryObject(
            {
                n("/Type"): n("/Font"),
                n("/Subtype"): n("/Type0"),
                n("/BaseFont"): n("/" + subset.ps_name),
                n("/Encoding"): n("/Identity-H"),
                n("/DescendantFonts"): generic.ArrayObject([writer.add_object(cid_font)]),
                n("/ToUnicode"): writer.add_object(to_unicode),
            }
        )
    )


def show_text(
    subset: FontSubset,
    resource: str,
    text: str,
    *,
    x: float,
    y: float,
    size: float,
    color: tuple[float, float, float],
) -> bytes:
    """Operators drawing ``text`` with its baseline starting at (x, y)."""
    codes = "".join(f"{subset.glyphs.get(ch, 0):04X}" for ch in text)
    r, g, b = color
    return (
        f"BT {r:.3f} {g:.3f} {b:.3f} rg /{resource} {size:g} Tf {x:.2f} {y:.2f} Td <{codes}> Tj ET"
    ).encode()
