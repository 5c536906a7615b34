"""The heading of an official document as Decree 30/2020/NĐ-CP lays it out: the issuing
body (its parent above it), the national name and motto, "Số: …" and "place, ngày … tháng …
năm …", then the document type and summary. Phrases are kept together with non-breaking
spaces, so a line never breaks inside "Hạnh phúc" or "Quảng Ninh".
"""

from __future__ import annotations

import re

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
