"""Vietnamese telephone numbers normalised to E.164 (``+84912345678``).

Mobile numbers are 0 + 9 digits starting 3, 5, 7, 8 or 9; landlines since 2017 are 0 + 10
digits starting 2 (area code 2xx). Numbers may be typed with +84, 84 or 0, spaces, dots,
dashes or brackets; a spreadsheet may have dropped the leading 0.
"""

from __future__ import annotations

import re

_JUNK = re.compile(r"[\s.\-()/]+")
_E164 = re.compile(r"\+84(?:[35789]\d{8}|2\d{9})")


def normalize_phone(value: object) -> str | None:
    """The E.164 form of ``value``, ``""`` when blank, ``None`` when it is not a Vietnamese number."""
    if value is None:
        return ""
    if type(value) is str and _E164.fullmatch(value):
        return value  # already normalised (a second pass over a checked value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _JUNK.sub("", str(value)).strip()
    if not text:
        return ""
    if text.startswith("+84"):
        national = text[3:]
    elif text.startswith("0084"):
        national = text[4:]
    elif text.startswith("84") and len(text) in (11, 12):
        national = text[2:]
    elif text.startswith("0"):
        national = text[1:]
    else:
        national = text  # a spreadsheet number that lost its leading 0
    national = national.lstrip("0") if national.startswith("0") and len(national) > 10 else national
    if not national.isdigit():
        return None
    if len(national) == 9 and national[0] in "35789":
        return "+84" + national
    if len(national) == 10 and national[0] == "2":
        return "+84" + national
    return None


def display_phone(e164: str | None) -> str:
    """``+84912345678`` → ``0912 345 678`` (how Vietnamese officers read numbers)."""
    if not e164:
        return ""
    if not e164.startswith("+84"):
        return e164
    national = "0" + e164[3:]
    if len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return f"{national[:4]} {national[4:7]} {national[7:]}"
