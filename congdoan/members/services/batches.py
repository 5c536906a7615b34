"""Admitting and updating many members at once (a spreadsheet import's batches): the same
scope check and history as ``admit_member`` / ``update_member``, one transaction a batch, the
rows written by COPY / executemany (``members.bulk``) rather than one ``save`` each.

The records come checked (``check_fields``, identity numbers matched inside the tree); the
batch functions check the actor's role on the unit, issue card numbers, and write the rows
with history rows naming the actor. ``prepare_admissions`` is the Python half of
``admit_members_batch``, so that a large import can prepare one batch while another thread
writes the previous one; both check the actor.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from congdoan.accounts.models import User
from congdoan.org.choices import MEMBER_MANAGERS
from congdoan.org.models import Unit
from congdoan.org.services import require_role

from ..bulk import PreparedInsert, prepare_insert, write_insert
from ..models import Member, tree_key
from .records import reserve_card_numbers
from .validation import EDITABLE_FIELDS, FINANCE_FIELDS

# What an update batch writes: the editable fields (not the salary: finance officers only) and
# the derived ones ``Member.prepare`` recomputes.
BATCH_UPDATE_FIELDS = [f for f in EDITABLE_FIELDS if f not in FINANCE_FIELDS] + [
    "name_folded",
    "given_name_folded",
    "completeness",
    "is_complete",
    "version",
    "updated_at",
]


def among(queryset, field: str, values):
    """``queryset`` filtered on ``field`` IN ``values``: on PostgreSQL as ``= ANY(array)``, one parameter
    instead of one per value (a batch's 2,000 placeholders cost more to build than the query)."""
    values = list(values)
    if not values:
        return queryset.none()
    if connection.vendor == "postgresql":
        column = Member._meta.get_field(field).column
        table = Member._meta.db_table
        quote = connection.ops.quote_name
        return queryset.extra(where=[f"{quote(table)}.{quote(column)} = ANY(%s)"], params=[values])
    return queryset.filter(**{f"{field}__in": values})


def _commit_without_waiting_for_the_disk() -> None:
    """PostgreSQL: this transaction's commit does not wait for its WAL to reach the disk (one
    flush less per import batch). Safe for a reservation of card numbers: the members that use
    them commit later, durably, and a durable commit flushes all WAL before it, this record
    included; after a crash only a reservation nobody used can be lost (its numbers are then
    issued again). Elsewhere nothing to do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _history_user(actor: User) -> User | None:
    """History names the actor; none for the system (the command line's unsaved user)."""
    return actor if getattr(actor, "pk", None) else None


def _require_members_of(actor: User, unit: Unit, members: Iterable[Member]) -> None:
    require_role(actor, unit, MEMBER_MANAGERS)
    strangers = {m.unit_id for m in members} - {unit.pk}
    if strangers:  # a programming error: a batch is about one unit
        raise ValueError(f"members of other units in a batch of {unit}: {sorted(strangers)}")


def prepare_admissions(
    actor: User,
    unit: Unit,
    members: list[Member],
    *,
    issued: set[str] | None = None,
    today: datetime.date | None = None,
    reason: str = "imported",
) -> PreparedInsert:
    """The Python half of admitting ``members`` (new, checked records of ``unit``): card numbers
    for those without one (``issued`` collects them across the batches of one run), joining
    date, derived fields, ids and rows with their history rows naming ``actor``."""
    _require_members_of(actor, unit, members)
    today = today or timezone.localdate()
    needing = [m for m in members if not m.card_number]
    numbers: list[str] = []
    if needing:
        own_transaction = not connection.in_atomic_block
        with transaction.atomic():  # the sequence row is locked only while numbers are taken
            if own_transaction:  # not inside a batch's transaction (that one waits for the disk)
                _commit_without_waiting_for_the_disk()
            numbers = reserve_card_numbers(
                tree_key(unit.path), len(needing), {m.card_number for m in members if m.card_number}
            )
    for member, number in zip(needing, numbers, strict=True):
        member.card_number = number
    if issued is not None:
        issued.update(numbers)
    for member in members:
        member.joined_on = member.joined_on or today
        member.status_since = member.joined_on
        member.prepare()
    return prepare_insert(members, user=_history_user(actor), reason=reason)


def admit_members_batch(
    actor: User,
    unit: Unit,
    members: list[Member] | None = None,
    *,
    prepared: PreparedInsert | None = None,
    reason: str = "imported",
) -> None:
    """Record ``members`` (new, checked records of ``unit``) in one transaction, with history
    rows naming ``actor``; or write what ``prepare_admissions`` made of them (``prepared``)."""
    require_role(actor, unit, MEMBER_MANAGERS)
    with transaction.atomic():
        if prepared is None:
            prepared = prepare_admissions(actor, unit, members or [], reason=reason)
        if len(prepared):
            write_insert(prepared)


def update_members_batch(
    actor: User, unit: Unit, members: list[Member], *, reason: str = "updated by import"
) -> list[Member]:
    """Write the changed ``members`` of ``unit`` (copies of their records with new values) in one
    transaction, with history rows naming ``actor``. A record changed by someone else after it
    was read (its ``version`` moved on) is not written over: those come back, the rest is saved.
    """
    _require_members_of(actor, unit, members)
    if not members:
        return []
    with transaction.atomic():
        versions = dict(
            among(Member.objects.select_for_update(), "id", [m.pk for m in members])
            .order_by()
            .values_list("id", "version")
        )
        stale = [m for m in members if versions.get(m.pk) != m.version]
        fresh = [m for m in members if versions.get(m.pk) == m.version]
        for member in fresh:
            member.version += 1
            member.prepare()
        if fresh:
            bulk_update_with_history(
                fresh,
                Member,
                BATCH_UPDATE_FIELDS,
                batch_size=500,
                default_user=_history_user(actor),
                default_change_reason=reason,
                default_date=timezone.now(),
            )
    return stale
