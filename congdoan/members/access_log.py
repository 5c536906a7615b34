"""Who saw a member's full citizen identity number (CCCD). Pages, exports and the API show it
masked (``cccd.mask``); the full number reaches a person only through this module, and each
time it does, a ``CccdView`` row says who saw whose number and when.

Two ways out: the reveal (an officer asks for one member's number, on the detail or edit page
or over the API) and a file that carries full numbers (the rejected rows of an import, which
the officer fixes and uploads again)."""

from __future__ import annotations

from collections.abc import Iterable

from congdoan.accounts.models import User
from congdoan.common import cccd as cccd_rules
from congdoan.org.choices import MEMBER_MANAGERS
from congdoan.org.services import require_role

from .models import CccdView, Member

# Numbers looked up per query when a file is logged (SQLite allows 999 bound parameters on
# old builds; a rejected-rows file may hold thousands of rows).
_LOOKUP_CHUNK = 500


def reveal_cccd(actor: User, member: Member) -> str:
    """The full number for an officer who may manage ``member``; each view is logged."""
    require_role(actor, member.unit, MEMBER_MANAGERS)
    CccdView.objects.create(member=member, viewer=actor)
    return member.cccd


def log_numbers_handed_out(actor: User, cells: Iterable) -> int:
    """Log ``actor`` as having seen the number of every member whose CCCD is among ``cells``
    (the values of a file given to them); returns how many views were logged.

    Cells are read the way the import reads them (``cccd.restore``: a spreadsheet drops the
    leading zero), so a number is recognised however the file stores it.
    """
    numbers = set()
    for cell in cells:
        text = cccd_rules.restore(cell)
        if len(text) == 12 and text.isdigit():
            numbers.add(text)
    ordered = sorted(numbers)
    member_ids: set[int] = set()
    for start in range(0, len(ordered), _LOOKUP_CHUNK):
        chunk = ordered[start : start + _LOOKUP_CHUNK]
        found = Member.objects.filter(cccd__in=chunk).exclude(cccd="")  # the number index
        member_ids.update(found.values_list("pk", flat=True))
    CccdView.objects.bulk_create(
        [CccdView(member_id=pk, viewer=actor) for pk in sorted(member_ids)]
    )
    return len(member_ids)
