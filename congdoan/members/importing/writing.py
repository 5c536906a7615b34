"""Writing a checked batch: card numbers for the new members (typed ones checked against
those issued), their rows and history through ``bulk``, the updated members with theirs, and
rows whose member changed meanwhile rejected rather than written over.

``prepare_new`` is the Python side and ``write_batch`` the database side, so that a large
import can prepare one batch while another thread writes the previous one (``run.BatchWriter``).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from congdoan.accounts.models import User

from ..bulk import PreparedInsert, prepare_insert, write_insert
from ..models import Member
from ..services import reserve_card_numbers
from .matching import COMPARED_FIELDS, Destination, among
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
    needing = [m for m in new if not m.card_number]
    with transaction.atomic():  # a batch of its own when the batches are written elsewhere
        numbers = reserve_card_numbers(
            dest.tree, len(needing), {m.card_number for m in new if m.card_number}
        )
    for member, number in zip(needing, numbers, strict=True):
        member.card_number = number
    issued.update(numbers)
    for member in new:
        member.joined_on = member.joined_on or today
        member.status_since = member.joined_on
        member.prepare()
    return prepare_insert(new, user=dest.history_user, reason="imported")


def write_batch(prepared: PreparedInsert | None, rows: list[RowResult], user: User | None) -> None:
    """The database side: new members with their history, then the updated ones."""
    if prepared is not None:
        write_insert(prepared)
    _reject_stale(rows)
    changed = [r.member for r in rows if r.outcome == "updated"]
    if changed:
        for member in changed:
            member.version += 1
            member.prepare()
        bulk_update_with_history(
            changed,
            Member,
            COMPARED_FIELDS
            + [
                "name_folded",
                "given_name_folded",
                "completeness",
                "is_complete",
                "version",
                "updated_at",
            ],
            batch_size=500,
            default_user=user,
            default_change_reason="updated by import",
            default_date=timezone.now(),
        )


def _reject_stale(rows: list[RowResult]) -> None:
    """Rows updating a member whose record changed after it was read (by an officer, another
    import) are rejected, not written over the other change; importing the file again applies
    them. The records are locked until the batch is written."""
    updated = [r for r in rows if r.outcome == "updated"]
    if not updated:
        return
    versions = dict(
        among(Member.objects.select_for_update(), "id", [r.member.pk for r in updated])
        .order_by()
        .values_list("id", "version")
    )
    for result in updated:
        if versions.get(result.member.pk) != result.member.version:
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
