"""Short unit names for chart axes, where a phone has room for about twenty characters.

Cutting "Công đoàn phường Hạ Long" and "Công đoàn phường Bãi Cháy" at the same length left
every label reading "Công đoàn phường …". Instead the words every union name repeats are
abbreviated the way union paperwork abbreviates them (CĐ, CĐCS, KCN, Cty) and the tail the
parent's own name already says ("tỉnh Quảng Ninh") is dropped, so what is left is the part
that tells the units apart. Tooltips keep the full names.
"""

from __future__ import annotations

import re

# Longest first: "Công đoàn cơ sở" before "Công đoàn".
ABBREVIATIONS = [
    (r"\bCông đoàn cơ sở\b", "CĐCS"),
    (r"\bCông đoàn các Khu công nghiệp\b", "CĐ các KCN"),
    (r"\bTổ công đoàn\b", "Tổ CĐ"),
    (r"\bCông đoàn\b", "CĐ"),
    (r"\bLiên đoàn Lao động\b", "LĐLĐ"),
    (r"\bKhu công nghiệp\b", "KCN"),
    (r"\bCông ty Cổ phần\b", "CTCP"),
    (r"\bCông ty TNHH\b", "Cty TNHH"),
    (r"\bCông ty\b", "Cty"),
    (r"\bTrách nhiệm hữu hạn\b", "TNHH"),
    (r"\bDoanh nghiệp\b", "DN"),
    (r"\bChi nhánh\b", "CN"),
    (r"\bThành phố\b", "TP"),
]
_COMPILED = [(re.compile(pattern, re.IGNORECASE), short) for pattern, short in ABBREVIATIONS]


def abbreviate(name: str) -> str:
    for pattern, short in _COMPILED:
        name = pattern.sub(short, name)
    return re.sub(r"\s+", " ", name).strip()


def _shared_tail(name: str, parent_name: str) -> int:
    """How many trailing words of ``name`` the parent's name ends with too (0 if fewer than 2)."""
    words, parent = name.split(), parent_name.split()
    n = 0
    while n < min(len(words) - 1, len(parent)) and words[-1 - n] == parent[-1 - n]:
        n += 1
    return n if n >= 2 else 0


def short_names(names: list[str], parent_name: str = "") -> list[str]:
    """Abbreviated names with the tail shared with ``parent_name`` removed; a name that would
    then collide with another keeps its full abbreviated form."""
    result = []
    for name in names:
        short = abbreviate(name)
        drop = _shared_tail(short, abbreviate(parent_name)) if parent_name else 0
        result.append(" ".join(short.split()[:-drop]) if drop else short)
    seen: dict[str, int] = {}
    for label in result:
        seen[label] = seen.get(label, 0) + 1
    return [
        label if seen[label] == 1 else abbreviate(name)
        for label, name in zip(result, names, strict=True)
    ]
