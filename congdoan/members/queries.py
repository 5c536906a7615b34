"""Reading members: search keys, likely duplicates, counts per unit.

Search folds the query the way names are stored (``congdoan.common.text.fold``: no case, no
diacritics, đ → d, either tone-mark placement), so a prefix of the folded full name, or of the
folded name with the given name first, is a range of an index in byte order: on PostgreSQL the
two columns are ``COLLATE "C"`` (migration 0004) and ``LIKE 'key%'`` is a range scan; SQLite
compares bytes anyway and is asked for a range. The same index gives the rows in order, so a
first page (``NameSearchPages``) walks the range and stops after 50 rows instead of fetching
and sorting every match; counts stop at ``COUNT_CAP``.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Count, Q

from congdoan.common import cccd
from congdoan.common.phone import normalize_phone
from congdoan.common.text import fold

_NUMBERISH = re.compile(r"^[\d\s.+\-()]+$")
COUNT_CAP = 1000  # lists count matches up to this many, then say "more than"


def name_prefix_q(key: str, field: str = "name_folded") -> Q:
    """Rows whose folded ``field`` starts with ``key``: a range scan of its byte-ordered index
    (PostgreSQL: ``LIKE 'key%'``, which the planner also estimates well; SQLite: a range, as
    its ``LIKE`` ignores case and indexes; U+10FFFF sorts after any character a name holds)."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": key, f"{field}__lt": key + "\U0010ffff"})
    return Q(**{f"{field}__startswith": key})


def name_key(text: str | None) -> str | None:
    """The folded key when ``text`` is a pure name search (no digits), else None."""
    text = (text or "").strip()
    if not text or any(ch.isdigit() for ch in text):
        return None
    return fold(text) or None


def capped_count(qs, cap: int = COUNT_CAP) -> int:
    """``min(qs.count(), cap + 1)`` without counting past ``cap + 1`` rows (a LIMIT subquery)."""
    return qs.order_by()[: cap + 1].count()


class NameSearchPages:
    """Slices of a name search, each cheap at any number of matches.

    The rows come in two runs, each in the order of its own index so the database reads only
    the rows of the slice: members whose full name starts with the key, by name ("hoa" →
    "Hoàng Văn An" …), then those whose given name does, by given name ("Nguyễn Thị Hoa" …).
    ``qs`` is the scoped, filtered queryset before the search filter.
    """

    def __init__(self, qs, key: str):
        by_name = name_prefix_q(key, "name_folded")
        self.full = qs.filter(by_name).order_by("name_folded", "id")
        self.given = (
            qs.filter(name_prefix_q(key, "given_name_folded"))
            .exclude(by_name)
            .order_by("given_name_folded", "id")
        )

    def slice(self, start: int, stop: int) -> list:
        rows = list(self.full[start:stop])
        if len(rows) == stop - start:
            return rows
        # The full-name run ended inside (or before) this slice: continue with the given names.
        full_count = (
            start + len(rows) if rows or not start else self.full.order_by()[:start].count()
        )
        offset = start + len(rows) - full_count
        return rows + list(self.given[offset : offset + stop - start - len(rows)])


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


def unit_counts(units) -> dict[int, dict[str, int]]:
    """Active and complete members per unit id (the indicators use the same numbers)."""
    from .models import Member

    rows = (
        Member.objects.filter(unit__in=units, status="active")
        .values("unit_id")
        .annotate(active=Count("id"), complete=Count("id", filter=Q(is_complete=True)))
    )
    return {r["unit_id"]: {"active": r["active"], "complete": r["complete"]} for r in rows}


def likely_duplicates(members, limit: int = 200) -> list[tuple]:
    """Pairs ``(older, newer, reason)`` among ``members`` (already scoped) that are probably one
    person: same folded name and date of birth, or same phone. Identical identity numbers
    cannot occur inside one tree (a unique constraint)."""
    from django.utils.translation import gettext as _

    from .choices import OPEN_STATUSES

    members = members.filter(status__in=OPEN_STATUSES)
    by_name = (
        members.exclude(date_of_birth=None)
        .values("name_folded", "date_of_birth")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by()[:limit]
    )
    by_phone = (
        members.exclude(phone="")
        .values("phone")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by()[:limit]
    )
    groups: list[tuple[Q, str]] = [
        (
            Q(name_folded=row["name_folded"], date_of_birth=row["date_of_birth"]),
            _("same name and date of birth"),
        )
        for row in by_name
    ] + [(Q(phone=row["phone"]), _("same phone number")) for row in by_phone]
    pairs: dict[tuple[int, int], tuple] = {}
    for q, reason in groups:
        found = list(members.filter(q).select_related("unit").order_by("id")[:10])
        for i, older in enumerate(found):
            for newer in found[i + 1 :]:
                key = (older.pk, newer.pk)
                if key in pairs:
                    pairs[key] = (older, newer, pairs[key][2] + "; " + reason)
                else:
                    pairs[key] = (older, newer, reason)
        if len(pairs) >= limit:
            break
    return list(pairs.values())[:limit]
