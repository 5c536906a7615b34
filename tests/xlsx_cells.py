"""Reading an .xlsx the way a spreadsheet program would see its cells, without a spreadsheet
library: the XML inside the zip says whether a cell is text, a number or a formula.

python-calamine gives a formula's cached value and hides that it is a formula, so it cannot
tell "=HYPERLINK(…)" written as text from the same written as a live formula.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@dataclass(frozen=True)
class Cell:
    ref: str
    kind: str  # "text" (shared or inline string), "number", "formula", "other"
    value: str


def sheet_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return sorted(
            (n for n in book.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
            key=lambda n: int(re.search(r"\d+", n.rsplit("/", 1)[1])[0]),
        )


def cells(data: bytes) -> list[Cell]:
    """Every written cell of every sheet, in order."""
    found: list[Cell] = []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in book.namelist():
            root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in root]
        for name in sheet_names(data):
            root = ElementTree.fromstring(book.read(name))
            for c in root.iter(f"{{{NS['m']}}}c"):
                ref, kind = c.get("r"), c.get("t", "n")
                value = c.find("m:v", NS)
                if c.find("m:f", NS) is not None:
                    found.append(Cell(ref, "formula", c.find("m:f", NS).text or ""))
                elif kind == "s":
                    found.append(Cell(ref, "text", shared[int(value.text)]))
                elif kind == "inlineStr":
                    text = "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
                    found.append(Cell(ref, "text", text))
                elif kind == "n":
                    found.append(Cell(ref, "number", value.text if value is not None else ""))
                else:
                    found.append(Cell(ref, "other", value.text if value is not None else ""))
    return found


def has_live_content(data: bytes) -> list[str]:
    """What in the file a spreadsheet program would run or follow: formulas and hyperlinks."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in book.namelist():
            if not name.endswith(".xml"):
                continue
            xml = book.read(name)
            if re.search(rb"<(\w+:)?f[ >]", xml):
                problems.append(f"formula in {name}")
            if re.search(rb"<(\w+:)?hyperlink[ >]", xml):
                problems.append(f"hyperlink in {name}")
    return problems
