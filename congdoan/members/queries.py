"""Reading members: search keys, likely duplicates, counts per unit.

Search folds the query the way names are stored (``congdoan.common.text.fold``: no case, no
diacritics, đ → d, either tone-mark placement), so a prefix of the folded full name, or of the
folded name with the given name first, is an index range scan (PostgreSQL:
``varchar_pattern_ops`` indexes, see migrations 0002–0003; SQLite: a range, ``org.paths``).
"""

from __future__ import annotations

import re

from django.db.models import Count, Q

from congdoan.common import cccd
from congdoan.common.phone import normalize_phone
from congdoan.common.text import fold
from congdoan.org.paths import prefix_q

_NUMBERISH = re.compile(r"^[\d\s.+\-()]+$")


def search_q(text: str | None) -> Q | None:
    """The filter for a search box: a name, a citizen identity, card or phone number."""
    text = (text or "").strip()
    if not text:
        return None
    if _NUMBERISH.match(text):
        digits = re.sub(r"\D", "", text)
        q = Q(card_number=text.upper()) | Q(card_number__endswith=digits) if len(digits) >= 4 else Q(card_number=text)
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
    q = prefix_q(key, "name_folded") | prefix_q(key, "given_name_folded")
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
        members.exclude(date_of_birth=None).values("name_folded", "date_of_birth")
        .annotate(n=Count("id")).filter(n__gt=1).order_by()[:limit]
    )
    by_phone = members.exclude(phone="").values("phone").annotate(n=Count("id")).filter(n__gt=1).order_by()[:limit]
    groups: list[tuple[Q, str]] = [
        (Q(name_folded=row["name_folded"], date_of_birth=row["date_of_birth"]),
         _("same name and date of birth")) for row in by_name
    ] + [(Q(phone=row["phone"]), _("same phone number")) for row in by_phone]
    pairs: dict[tuple[int, int], tuple] = {}
    for q, reason in groups:
        found = list(members.filter(q).select_related("unit").order_by("id")[:10])
        for i, older in enumerate(found):
            for newer in found[i + 1:]:
                key = (older.pk, newer.pk)
                if key in pairs:
                    pairs[key] = (older, newer, pairs[key][2] + "; " + reason)
                else:
                    pairs[key] = (older, newer, reason)
        if len(pairs) >= limit:
            break
    return list(pairs.values())[:limit]
