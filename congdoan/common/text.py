"""Vietnamese text: normalisation and accent folding.

Folding maps every spelling a user may type to one search key: case, diacritics and the
letter đ/Đ are dropped, so ``"quang ninh"``, ``"Quảng Ninh"`` and ``"QUANG NINH"`` meet, and
both tone-mark placements (``hoà`` / ``hòa``) fold to ``hoa``.

Both functions run for every name of a large import, so they take the short way when they
can: text that is already NFC is not normalised again, and a name is folded word by word
with each distinct word folded once (names repeat a few thousand words: Nguyễn, Thị, Văn…).
Every step works on single characters or on runs between spaces, so the word-by-word result
is the whole-text result (a property test compares them).
"""

from __future__ import annotations

import functools
import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalize_text(value: str | None) -> str:
    """NFC, trimmed, inner whitespace collapsed to single spaces."""
    if not value:
        return ""
    text = " ".join(str(value).split())
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def fold(value: str | None) -> str:
    """The accent- and case-insensitive search key of ``value``.

    >>> fold("Liên đoàn Lao động tỉnh Quảng Ninh")
    'lien doan lao dong tinh quang ninh'
    """
    if not value:
        return ""
    words = str(value).split()
    if len(words) == 1:
        return _fold_word(words[0])
    return " ".join(folded for folded in map(_fold_word, words) if folded)


@functools.lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    """``fold`` of a run of text without whitespace (the result may hold spaces: "a-b" → "a b")."""
    if word.isascii():
        text = word.lower()
    else:
        text = unicodedata.normalize("NFD", word).replace("đ", "d").replace("Đ", "D")
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    if text.isalnum() and text.isascii():
        return text
    return " ".join(_NON_WORD.sub(" ", text).split())
