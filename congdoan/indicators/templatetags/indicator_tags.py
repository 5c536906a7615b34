"""Formatting figures in templates: percentages, counts, target statuses."""

from __future__ import annotations

from django import template
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

register = template.Library()

STATUS_CLASSES = {"reached": "success", "on_track": "primary", "behind": "danger"}


@register.filter
def num(value) -> str:
    """A whole number with the language's thousands separator (59.381 in Vietnamese)."""
    if value in (None, ""):
        return "–"
    return f"{int(value):,}".replace(",", get_format("THOUSAND_SEPARATOR") or ",")


@register.filter
def figure(value, indicator) -> str:
    """``72,5 %`` for a ratio, ``1.234`` for a count, "no data yet" when there is no figure
    (never a 0 or a dash that reads like one)."""
    if value is None:
        return _("no data yet")
    if indicator.is_ratio:
        return f"{number_format(value, 1)} %"
    return num(value)


@register.filter
def target_figure(value, indicator) -> str:
    if indicator.is_ratio:
        return f"{number_format(value, 0 if float(value).is_integer() else 1)} %"
    return num(value)


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "secondary")


@register.filter
def bar_width(value, maximum) -> str:
    """Width in % (``"29.5"``, 0–100) of a bar for ``value`` against ``maximum``, for data-width.

    A string with a decimal point whatever the language: congdoan.js reads it with
    parseFloat, which stops at a decimal comma ("29,5" would be 29) and a thousands dot.
    """
    try:
        width = 100.0 * float(value) / float(maximum) if value and maximum else 0.0
    except (TypeError, ValueError, ZeroDivisionError):
        width = 0.0
    return f"{min(max(width, 0.0), 100.0):.1f}"


@register.filter
def points(value) -> str:
    """A gap in percentage points, ``12,3`` (the column header says "điểm %")."""
    return number_format(value, 1)


@register.filter
def dictkey(mapping, key):
    return mapping.get(key) if mapping else None
