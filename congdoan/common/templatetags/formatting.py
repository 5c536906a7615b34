"""``{% load formatting %}``: ``{{ n|number }}`` groups digits the way the active language does
(59.381 / 59,381), ``{{ e164|phone }}`` shows ``0912 345 678``."""

from __future__ import annotations

from django import template

from congdoan.common import formatting

register = template.Library()


@register.filter
def number(value) -> str:
    return formatting.group_digits(value)


@register.filter
def phone(value) -> str:
    return formatting.display_phone(value)


@register.filter
def rounded(value) -> int:
    """A figure shown as "about …": two leading digits (59,381 → 59,000)."""
    return formatting.rounded(value)
