"""Formatting figures in templates: percentages, counts, target statuses."""

from __future__ import annotations

from django import template
from django.utils.formats import get_format, number_format

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
    """``72,5 %`` for a ratio, ``1.234`` for a count, an en dash when there is no figure."""
    if value is None:
        return "–"
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
def bar_width(value, maximum) -> float:
    """Width (0–100) of a table bar for ``value`` against ``maximum``."""
    try:
        if not value or not maximum:
            return 0
        return round(100.0 * float(value) / float(maximum), 1)
    except (TypeError, ValueError, ZeroDivisionError):
        return 0


@register.filter
def dictkey(mapping, key):
    return mapping.get(key) if mapping else None
