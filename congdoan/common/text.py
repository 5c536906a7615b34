"""Vietnamese text: normalisation and accent folding.

Folding maps every spelling a user may type to one search key: case, diacritics and the
letter đ/Đ are dropped, so ``"quang ninh"``, ``"Quảng Ninh"`` and ``"QUANG NINH"`` meet, and
both tone-mark placements (``hoà`` / ``hòa``) fold to ``hoa``.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalize_text(value: str | None) -> str:
    """NFC, trimmed, inner whitespace collapsed to single spaces."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def fold(value: str | None) -> str:
    """The accent- and case-insensitive search key of ``value``.

    >>> fold("Liên đoàn Lao động tỉnh Quảng Ninh")
    'lien doan lao dong tinh quang ninh'
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFD", str(value)).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()
