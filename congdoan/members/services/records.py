"""Admitting a member and changing their details: card numbers, optimistic locking with the
other officer's changes shown on a conflict, and the history note every write leaves."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.common import cccd as cccd_rules
from congdoan.org.choices import MEMBER_MANAGERS
from congdoan.org.models import Unit
from congdoan.org.services import require_role

from ..choices import OPEN_STATUSES, MemberStatus
from ..models import CardSequence, Member
from .validation import (
    EDITABLE_FIELDS,
    check_field_names,
    check_unit,
    refuse_salary,
    resolve_unit,
    validate,
)


def note_change(member: Member, actor: User, reason: str) -> None:
    """The history record of the next save names ``actor`` (none for the system) and ``reason``."""
    member._change_reason = reason[:100]
    member._history_user = actor if getattr(actor, "pk", None) else None


def reserve_card_numbers(
    tree: str, count: int, also_taken: Iterable[str] = frozenset()
) -> list[str]:
    """``count`` fresh card numbers of ``tree`` (the tree key followed by an 8-digit serial).

    The sequence row is locked for the transaction, so two admissions never get one number.
    ``also_taken``: numbers not written yet but spoken for (typed in the same import batch).
    """
    if count <= 0:
        return []
    CardSequence.objects.get_or_create(tree=tree)
    seq = CardSequence.objects.select_for_update().get(tree=tree)
    start = seq.next_value
    seq.next_value = start + count
    seq.save(update_fields=["next_value"])
    numbers = [f"{tree}{n:08d}" for n in range(start, start + count)]
    # One range scan of the unique index (the numbers are consecutive, of one width) rather than
    # thousands of IN parameters for a large import; anything else in the range is dropped below.
    taken = set(
        Member.objects.filter(card_number__range=(numbers[0], numbers[-1])).values_list(
            "card_number", flat=True
        )
    ) & set(numbers)
    taken |= set(also_taken) & set(numbers)
    if taken:  # numbers typed in by hand or imported may sit inside the range: skip them
        numbers = [n for n in numbers if n not in taken] + reserve_card_numbers(
            tree, len(taken), also_taken
        )
    return numbers


@transaction.atomic
def admit_member(actor: User, unit: Unit, *, card_number: str = "", **fields) -> Member:
    """Record a new member of ``unit`` (a grassroots union, or one of its union groups)."""
    check_field_names(fields)
    require_role(actor, unit, MEMBER_MANAGERS)
    unit, group = resolve_unit(unit)
    check_unit(unit)
    refuse_salary(actor, unit, [k for k, v in fields.items() if v not in (None, "")])
    fields.setdefault("group", group)
    fields.setdefault("joined_on", timezone.localdate())
    member = Member(
        unit=unit, status=MemberStatus.ACTIVE, status_since=fields["joined_on"], **fields
    )
    validate(member, actor)
    card_number = (card_number or "").strip().upper()
    if card_number:
        if Member.objects.filter(card_number=card_number).exists():
            raise ValidationError({"card_number": _("This union card number is already issued.")})
        member.card_number = card_number
    else:
        member.card_number = reserve_card_numbers(member.tree, 1)[0]
    note_change(member, actor, "admitted")
    member.save()
    return member


@dataclass
class FieldChange:
    field: str
    label: str
    before: str
    after: str
    by: str
    at: datetime.datetime | None


class EditConflict(ValidationError):
    """Someone saved the member after the editor opened it; ``changes`` says what they changed."""

    def __init__(self, member: Member, changes: list[FieldChange]):
        self.member = member
        self.changes = changes
        super().__init__(
            _(
                "%(who)s changed this member while you were editing it; your changes were not saved. "
                "Their changes are shown below: review them and save again."
            )
            % {"who": ", ".join(sorted({c.by for c in changes})) or _("Another officer")},
            code="conflict",
        )


def changes_since(member: Member, version: int) -> list[FieldChange]:
    """What changed on ``member`` after ``version`` (from its history)."""
    records = list(
        member.history.filter(version__gte=version).order_by("history_date", "history_id")
    )
    base = next((r for r in records if r.version == version), None)
    later = [r for r in records if r.version > version]
    if base is None or not later:
        return []
    last = later[-1]
    people = {str(r.history_user) for r in later if r.history_user_id} or {_("Another officer")}
    changes = []
    for field in EDITABLE_FIELDS + ("status", "unit"):
        attr = field + "_id" if field in ("group", "unit") else field
        old, new = getattr(base, attr), getattr(last, attr)
        if old != new:
            model_field = Member._meta.get_field(field)
            changes.append(
                FieldChange(
                    field,
                    str(model_field.verbose_name),
                    _display(member, field, old),
                    _display(member, field, new),
                    ", ".join(sorted(people)),
                    last.history_date,
                )
            )
    return changes


def _display(member: Member, field: str, value) -> str:
    if value in (None, ""):
        return "—"
    model_field = Member._meta.get_field(field)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if field in ("group", "unit"):
        unit = Unit.objects.filter(pk=value).first()
        return unit.name if unit else str(value)
    if field == "cccd":
        return cccd_rules.mask(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


@transaction.atomic
def update_member(
    actor: User,
    member: Member,
    *,
    version: int | None = None,
    reason: str = "updated",
    **changes,
) -> Member:
    """Change a member's details; refused when ``version`` is not the current one (see EditConflict)."""
    check_field_names(changes)
    current = Member.objects.select_for_update().select_related("unit").get(pk=member.pk)
    # Scope is checked on the row as it is now, locked: the caller's copy may be out of date
    # (the member may have been moved to another subtree since it was read).
    require_role(actor, current.unit, MEMBER_MANAGERS)
    if current.status not in OPEN_STATUSES:
        raise ValidationError(
            _("A member who is %(status)s cannot be edited; reinstate them first.")
            % {"status": current.get_status_display().lower()}
        )
    if (
        "birth_year_only" not in changes
        and "date_of_birth" in changes
        and changes["date_of_birth"] != current.date_of_birth
    ):
        # A new date given without saying it is only a year (the API, another app) is a full date.
        changes["birth_year_only"] = False
    changed = {k: v for k, v in changes.items() if _differs(current, k, v)}
    refuse_salary(actor, current.unit, changed)
    if version is not None and current.version != version:
        raise EditConflict(current, changes_since(current, version))
    if not changed:
        return current
    for field, value in changed.items():
        setattr(current, field, value)
    validate(current, actor)
    # Compare-and-swap on the version: also safe where SELECT … FOR UPDATE is a no-op (SQLite).
    bumped = Member.objects.filter(pk=current.pk, version=current.version).update(
        version=F("version") + 1
    )
    if not bumped:
        raise EditConflict(current, changes_since(current, current.version))
    current.version += 1
    note_change(current, actor, reason)
    current.save()
    return current


def _differs(member: Member, field: str, value) -> bool:
    if field == "group":
        return member.group_id != (value.pk if value is not None else None)
    return getattr(member, field) != value
