"""How figures and phone numbers read on every page, in both languages.

Numbers are grouped by the active language's separator (59.381 in Vietnamese, 59,381 in
English) without turning on ``USE_THOUSAND_SEPARATOR`` for the whole site: that setting also
groups ids and years that templates print into links and attributes (``/members/1.234/``).
Templates use the ``number`` and ``phone`` filters of ``{% load formatting %}``.
"""

from __future__ import annotations

from django.utils.formats import number_format

from .phone import display_phone

__all__ = ["display_phone", "group_digits", "rounded"]


def group_digits(value) -> str:
    """``59381`` → ``"59.381"`` (Vietnamese) or ``"59,381"`` (English); blanks stay blank."""
    if value is None or value == "":
        return ""
    try:
        return number_format(value, use_l10n=True, force_grouping=True)
    except (TypeError, ValueError):
        return str(value)


def rounded(n: int, significant: int = 2) -> int:
    """``n`` to ``significant`` leading digits, for a figure shown as "about …":
    59,381 → 59,000; 1,234,567 → 1,200,000; small numbers stay as they are."""
    n = int(n)
    digits = len(str(abs(n)))
    if digits <= significant:
        return n
    unit = 10 ** (digits - significant)
    return round(n / unit) * unit
