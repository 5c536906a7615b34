"""Writing a checked batch through the members services' batch path: typed card numbers
checked against those issued, the new members admitted (``services.prepare_admissions`` /
``admit_members_batch``), the updated ones written (``services.update_members_batch``), and
rows whose member changed meanwhile rejected rather than written over.

``prepare_new`` is the Python side and ``write_batch`` the database side, so that a large
import can prepare one batch while another thread writes the previous one (``run.BatchWriter``).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from .. import services
from ..bulk import PreparedInsert
from ..models import Member
from ..services.batches import among
from .matching import Destination
from .rows import RowResult


def prepare_new(
    rows: list[RowResult], dest: Destination, issued: set[str], today: datetime.date
) -> PreparedInsert | None:
    """The Python side of writing a batch's new members: card numbers, derived fields, rows.

    Card numbers typed in the file are checked against those issued, including the ones
    this run has just issued (a batch may still be on its way to the database).
    """
    new = [r.member for r in rows if r.outcome == "new"]
    if not new:
        return None
    typed = [m.card_number for m in new if m.card_number]
    if typed:
        taken = issued.intersection(typed)
        taken.update(
            among(Member.objects.all(), "card_number", typed).values_list("card_number", flat=True)
        )
        if taken:  # a card number typed in the file is already issued (to someone not matched)
            for result in rows:
                if result.outcome == "new" and result.member.card_number in taken:
                    result.outcome = "rejected"
                    result.member = None
                    result.errors.append(
                        ("card_number", _("This union card number is already issued."))
                    )
            new = [r.member for r in rows if r.outcome == "new"]
    if not new:
        return None
    return services.prepare_admissions(dest.actor, dest.unit, new, issued=issued, today=today)


def write_batch(prepared: PreparedInsert | None, rows: list[RowResult], dest: Destination) -> None:
    """The database side: new members with their history, then the updated ones; both name
    ``dest.actor`` (the officer who runs the import for real)."""
    if prepared is not None:
        services.admit_members_batch(dest.actor, dest.unit, prepared=prepared)
    updated = [r for r in rows if r.outcome == "updated"]
    if not updated:
        return
    stale = {
        m.pk
        for m in services.update_members_batch(dest.actor, dest.unit, [r.member for r in updated])
    }
    for result in updated:
        if result.member.pk in stale:
            # Changed by an officer or another import after it was read: not written over.
            result.outcome = "rejected"
            result.member = None
            result.errors.append(
                (
                    "full_name",
                    _(
                        "This member's record was changed by someone else during the import; "
                        "import the file again to apply this row."
                    ),
                )
            )
