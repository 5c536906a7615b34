"""The heading of an official document as Decree 30/2020/NĐ-CP lays it out: the issuing
body (its parent above it), the national name and motto, "Số: …" and "place, ngày … tháng …
năm …", then the document type and summary. Phrases are kept together with non-breaking
spaces, so a line never breaks inside "Hạnh phúc" or "Quảng Ninh".
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from congdoan.common.pdf import font_css

from . import pdftext

NBSP = "\u00a0"
NATION = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập – Tự do – Hạnh phúc"


# Words that read as one: a line never breaks inside them.
PHRASES = (
    "Liên đoàn",
    "Lao động",
    "Công đoàn",
    "cơ sở",
    "Công ty",
    "công nghiệp",
    "kinh tế",
    "thành phố",
    "Tổng Liên đoàn",
    "Hạnh phúc",
    "Độc lập",
    "Tự do",
)
_PHRASE_RE = re.compile(
    "|".join(rf"\b{re.escape(p)}\b" for p in sorted(PHRASES, key=len, reverse=True)),
    re.IGNORECASE,
)


def keep_names_together(text: str) -> str:
    """``text`` with the spaces inside proper names and set phrases made non-breaking: every
    run of capitalised words ("Quảng Ninh", "TNHH Đông Bắc") and every phrase of ``PHRASES``
    ("Công đoàn", "Hạnh phúc") stays on one line."""
    text = _PHRASE_RE.sub(lambda m: m.group(0).replace(" ", NBSP), text or "")
    words = text.split(" ")
    out = words[:1]
    for word in words[1:]:
        previous = out[-1].rsplit(NBSP, 1)[-1]
        if previous[:1].isupper() and word[:1].isupper():
            out[-1] = f"{out[-1]}{NBSP}{word}"
        else:
            out.append(word)
    return " ".join(out)


def phrase(text: str) -> str:
    """``text`` on one line: every space non-breaking."""
    return (text or "").replace(" ", NBSP)


# --- a generated paper: the heading of Decree 30, with the number and date left to issuing --

NUMBER_FIELD = "SoKyHieu"
DATE_FIELD = "NgayBanHanh"
# Each field's box on the page, in CSS pixels (WeasyPrint: 1 px = 0.75 pt).
_FIELD_BOX = {NUMBER_FIELD: (150, 20), DATE_FIELD: (236, 20)}
FIELD_SIZE = 12.0  # points, as the heading's 13 pt body is set
_DOTS = {NUMBER_FIELD: "……/……", DATE_FIELD: "ngày …… tháng …… năm ……"}


@dataclass(frozen=True)
class Heading:
    """What the heading of a paper says (Decree 30/2020/NĐ-CP, Appendix I)."""

    parent: str  # the governing body above the issuing unit ("" for none)
    unit: str
    place: str  # "Quảng Ninh": the province, or the commune of a commune-level unit
    doc_type: str  # "Quyết định"; "" for an official letter (công văn)
    summary: str


def place_of(unit) -> str:
    """The place name of the date line: the unit's commune for a unit placed in one, else its
    province (Decree 30: where the issuing body sits)."""
    return unit.commune_name or unit.province_name


def heading_html(heading: Heading) -> str:
    """The heading block: names and motto on lines that never break inside a phrase, an
    empty box after "Số:" and after the place for the number and date filled when issued."""
    # Glued before the capitals: in capitals every word would look like part of a name.
    parent = escape(keep_names_together(heading.parent).upper())
    unit = escape(keep_names_together(heading.unit).upper())
    number_w, box_h = _FIELD_BOX[NUMBER_FIELD]
    date_w = _FIELD_BOX[DATE_FIELD][0]
    title = (
        f"<h1>{escape(heading.doc_type.upper())}</h1><p class='summary'>"
        f"{escape(keep_names_together(heading.summary))}</p>"
        if heading.doc_type
        else ""
    )
    letter_summary = (
        "" if heading.doc_type else f"<div class='v'>V/v {escape(heading.summary)}</div>"
    )
    return f"""<style>
      .d30 {{ width: 100%; border-collapse: collapse; font-size: 12pt; line-height: 1.3;
              table-layout: fixed }}
      .d30 td {{ vertical-align: top; text-align: center; padding: 0 }}
      .d30 .org {{ width: 38% }} .d30 .nat {{ width: 62% }}
      .d30 .u, .d30 .n, .d30 .m {{ font-weight: 700 }}
      .d30 .m {{ white-space: nowrap; font-size: 12.5pt }} .d30 .n {{ white-space: nowrap }}
      .d30 .rule {{ width: 35%; margin: 1pt auto 6pt; border-top: 0.6pt solid #000 }}
      .d30 .fill {{ display: inline-block; height: {box_h}px; vertical-align: bottom }}
      .d30 .place {{ font-style: italic; white-space: nowrap }} .d30 .v {{ font-size: 11pt }}
      h1 {{ text-align: center; font-size: 14pt; margin: 0.9cm 0 0 }}
      .summary {{ text-align: center; font-weight: 700; margin: 0 0 0.6cm }}
    </style>
    <table class="d30"><tr>
      <td class="org">{f"<div>{parent}</div>" if parent else ""}<div class="u">{unit}</div>
        <div class="rule"></div>
        <div>Số:&nbsp;<span id="{NUMBER_FIELD}" class="fill" style="width: {number_w}px"></span></div>
        {letter_summary}</td>
      <td class="nat"><div class="n">{NATION}</div><div class="m">{phrase(MOTTO)}</div>
        <div class="rule"></div>
        <div class="place">{escape(phrase(heading.place))},&nbsp;<span id="{DATE_FIELD}" class="fill" style="width: {date_w}px"></span></div></td>
    </tr></table>{title}"""


def compose_pdf(heading: Heading, body_html: str, *, extra_css: str = "") -> bytes:
    """A paper in the format of Decree 30: the heading, then ``body_html``. The number and the
    date are form fields, empty ("……") until ``fill_heading`` writes them when issuing;
    filling a field is a change a signature allows, so the signer's signature stays valid."""
    # Imported here: WeasyPrint takes ~0.8 s to import, and most processes never render.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    html = f"<html><head><style>{extra_css}</style></head><body>{heading_html(heading)}{body_html}</body></html>"
    document = HTML(string=html).render(
        stylesheets=[CSS(string=font_css(), font_config=config)], font_config=config
    )
    first = document.pages[0]
    page_height = first.height * PX
    boxes = {}
    for name in _FIELD_BOX:
        x1, y1, x2, y2 = first.anchors[name]  # CSS pixels from the top left corner
        boxes[name] = (x1 * PX, page_height - y2 * PX, x2 * PX, page_height - y1 * PX)
    pdf = document.write_pdf()
    return _add_fields(pdf, boxes)


PX = 0.75  # points per CSS pixel


def _field_appearance(writer, text: str, width: float, height: float) -> generic.IndirectObject:
    """A form XObject showing ``text`` from the field's left edge, in an embedded subset."""
    subset = pdftext.subset_for(text)
    font = pdftext.embed_font(writer, subset)
    x = 1.0
    stream = generic.StreamObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/XObject"),
            generic.NameObject("/Subtype"): generic.NameObject("/Form"),
            generic.NameObject("/BBox"): generic.ArrayObject(
                [generic.FloatObject(v) for v in (0, 0, width, height)]
            ),
            generic.NameObject("/Resources"): generic.DictionaryObject(
                {
                    generic.NameObject("/Font"): generic.DictionaryObject(
                        {generic.NameObject("/FT"): font}
                    )
                }
            ),
        },
        stream_data=b"/Tx BMC q "
        + pdftext.show_text(
            subset, "FT", text, x=x, y=height * 0.28, size=FIELD_SIZE, color=(0, 0, 0)
        )
        + b" Q EMC",
    )
    return writer.add_object(stream)


def _add_fields(pdf: bytes, boxes: dict[str, tuple[float, float, float, float]]) -> bytes:
    """Read-only text fields over the empty boxes of the first page, showing dots."""
    n = generic.NameObject
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    # No /P on the widgets: pyHanko's change analysis then cannot explain a later fill
    # (the field is reachable again through the page's other widgets).
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    fields = generic.ArrayObject()
    annots = page.get("/Annots", generic.ArrayObject())
    for name, (x1, y1, x2, y2) in boxes.items():
        field = generic.DictionaryObject(
            {
                n("/Type"): n("/Annot"),
                n("/Subtype"): n("/Widget"),
                n("/FT"): n("/Tx"),
                n("/T"): generic.TextStringObject(name),
                n("/Ff"): generic.NumberObject(1),  # read-only: filled by issuing alone
                n("/F"): generic.NumberObject(4),  # printed
                n("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (x1, y1, x2, y2)]),
                n("/DA"): generic.TextStringObject(f"/FT {FIELD_SIZE:g} Tf 0 g"),
                n("/V"): generic.TextStringObject(""),
                n("/AP"): generic.DictionaryObject(
                    {n("/N"): _field_appearance(writer, _DOTS[name], x2 - x1, y2 - y1)}
                ),
            }
        )
        ref = writer.add_object(field)
        fields.append(ref)
        annots.append(ref)
    page[n("/Annots")] = annots
    writer.update_container(page)
    writer.root[n("/AcroForm")] = writer.add_object(
        generic.DictionaryObject({n("/Fields"): fields})
    )
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def date_line(day: date) -> str:
    """ "ngày 05 tháng 02 năm 2026": a day below 10 and the months 1 and 2 take a leading zero
    (Decree 30, Appendix I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def fill_heading(writer: IncrementalPdfFileWriter, *, number_symbol: str, day: date) -> bool:
    """Write the number and date into a generated paper's fields, in the update that the
    seal's signature then signs; False (nothing done) for a paper without them (an upload)."""
    acroform = writer.root.get("/AcroForm")
    if acroform is None:
        return False
    values = {NUMBER_FIELD: number_symbol, DATE_FIELD: date_line(day)}
    found = False
    for ref in acroform.get_object().get("/Fields", []):
        field = ref.get_object()
        name = str(field.get("/T", ""))
        if name not in values or field.get("/FT") != "/Tx":
            continue
        x1, y1, x2, y2 = [float(v) for v in field["/Rect"]]
        field[generic.NameObject("/V")] = generic.TextStringObject(values[name])
        field[generic.NameObject("/AP")] = generic.DictionaryObject(
            {generic.NameObject("/N"): _field_appearance(writer, values[name], x2 - x1, y2 - y1)}
        )
        writer.update_container(field)
        found = True
    return found
