"""The search box's filter over members: a name (accents and case optional), or a citizen
identity, card or phone number.

Names are searched on keys folded the way they are stored (``congdoan.common.text.fold``: no
case, no diacritics, đ → d, either tone-mark placement), so a prefix of the folded full name,
or of the folded name with the given name first, is a range of an index in byte order: on
PostgreSQL the two columns are ``COLLATE "C"`` (migration 0004) and ``LIKE 'key%'`` is a range
scan; SQLite compares bytes anyway and is asked for a range.

This module knows no model, so that ``MemberQuerySet.search`` (in ``models``) and the page
readers in ``queries`` can both use it.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Q

from congdoan.common import cccd
from congdoan.common.phone import normalize_phone
from congdoan.common.text import fold

_NUMBERISH = re.compile(r"^[\d\s.+\-()]+$")


def name_prefix_q(key: str, field: str = "name_folded") -> Q:
    """Rows whose folded ``field`` starts with ``key``: a range scan of its byte-ordered index
    (PostgreSQL: ``LIKE 'key%'``, which the planner also estimates well; SQLite: a range, as
    its ``LIKE`` ignores case and indexes; U+10FFFF sorts after any character a name holds)."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": key, f"{field}__lt": key + "\U0010ffff"})
    return Q(**{f"{field}__startswith": key})


def search_q(text: str | None) -> Q | None:
    """The filter for a search box: a name, a citizen identity, card or phone number."""
    text = (text or "").strip()
    if not text:
        return None
    if _NUMBERISH.match(text):
        digits = re.sub(r"\D", "", text)
        q = (
            Q(card_number=text.upper()) | Q(card_number__endswith=digits)
            if len(digits) >= 4
            else Q(card_number=text)
        )
        number = cccd.restore(digits)
        if len(number) == 12:
            q |= Q(cccd=number)
        phone = normalize_phone(text)
        if phone:
            q |= Q(phone=phone)
        return q
    key = fold(text)
    if not key:
        return Q(pk__in=[])
    # The full name starts with the query ("nguyen van a"), or the given name does ("an", "an nguyen"):
    # two index range scans on every database.
    q = name_prefix_q(key, "name_folded") | name_prefix_q(key, "given_name_folded")
    upper = text.strip().upper()
    if any(ch.isdigit() for ch in upper):
        q |= Q(card_number=upper)
    return q
