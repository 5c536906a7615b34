"""Matching a checked row to the member it is about: by citizen identity number inside the
tree first, then by union card number, with the reasons a match cannot be updated from this
unit (another unit's member, a closed record, a number that belongs to someone else); and the
record each row would write, built without ``Model.__init__`` per row (the import's hot path)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.common.text import fold
from congdoan.org.models import Unit

from ..choices import OPEN_STATUSES, MemberStatus
from ..models import Member
from ..queries import can_manage
from ..services import EDITABLE_FIELDS, FINANCE_FIELDS, check_fields
from ..services.batches import among
from .rows import RowResult

# The fields a row may change on an existing member (the salary is for finance officers only).
COMPARED_FIELDS = [f for f in EDITABLE_FIELDS if f not in FINANCE_FIELDS]
# Values set through the model rather than straight into the instance.
_SPECIAL_VALUES = frozenset({"group", "card_number"})


@dataclass(frozen=True)
class Destination:
    """Where an import puts its members: whose import it is, the grassroots union, the union
    group it was started on (if any) and the tree they belong to."""

    actor: User
    unit: Unit
    default_group: Unit | None
    tree: str


def match_rows(rows: list[RowResult], dest: Destination, cache: dict) -> None:
    """Each checked row matched to an existing member (identity number first, then card number)
    and checked as the record it would make: ``outcome`` new / updated / unchanged / rejected,
    ``member`` the record to write, ``errors`` why a row is rejected."""
    numbers = {r.values["cccd"] for r in rows if r.values.get("cccd")}
    cards = {r.values["card_number"] for r in rows if r.values.get("card_number")}
    members = Member.objects.all()
    by_cccd = {
        m.cccd: m for m in among(members.filter(tree=dest.tree).exclude(cccd=""), "cccd", numbers)
    }
    by_card = {m.card_number: m for m in among(members, "card_number", cards)}
    # Their units: almost always the importing unit itself, the others in one query.
    by_name = _by_name(rows, dest)
    found = [*by_cccd.values(), *by_card.values(), *(m for ms in by_name.values() for m in ms)]
    units = {dest.unit.pk: dest.unit}
    units.update(Unit.objects.in_bulk({m.unit_id for m in found} - set(units)))
    for m in found:
        m._state.fields_cache["unit"] = units[m.unit_id]
    today = timezone.localdate()
    for result in rows:
        if result.errors:
            result.outcome = "rejected"
            continue
        values = result.values
        existing = by_cccd.get(values.get("cccd")) if values.get("cccd") else None
        by_card_match = (
            by_card.get(values.get("card_number")) if values.get("card_number") else None
        )
        if existing is None:
            existing = by_card_match
        elif by_card_match is not None and by_card_match.pk != existing.pk:
            result.errors.append(
                (
                    "card_number",
                    _(
                        "This card number belongs to another member than the citizen identity number."
                    ),
                )
            )
        if existing is None and not values.get("cccd") and values.get("full_name"):
            existing = _same_person(values, by_name, result)
        if existing is not None:
            if existing.tree != dest.tree:
                result.errors.append(
                    (
                        "card_number",
                        _("This union card number is issued in another organisation."),
                    )
                )
            elif existing.unit_id != dest.unit.pk:
                where = (
                    existing.unit.name if can_manage(dest.actor, existing) else _("another unit")
                )
                result.errors.append(
                    (
                        "cccd" if values.get("cccd") else "card_number",
                        _(
                            "This person is already a member of %(unit)s: transfer them instead of importing."
                        )
                        % {"unit": where},
                    )
                )
            elif existing.status not in OPEN_STATUSES:
                result.errors.append(
                    (
                        "full_name",
                        _("This member is %(status)s; reinstate them first.")
                        % {"status": existing.get_status_display().lower()},
                    )
                )
            elif values.get("cccd") and existing.cccd and values["cccd"] != existing.cccd:
                result.errors.append(
                    (
                        "cccd",
                        _(
                            "The card number belongs to a member with another citizen identity number."
                        ),
                    )
                )
        if result.errors:
            result.outcome = "rejected"
            continue
        member = member_from(values, existing, dest, cache)
        # The parser gives every value in normalised form: only the checks are left.
        errors = check_fields(member, today=today)
        if existing is not None:
            # Only what this file brings is checked: old problems of a record do not block an update.
            relevant = set(values) | (
                {"cccd"} if {"gender", "date_of_birth"} & set(values) and member.cccd else set()
            )
            errors = {k: v for k, v in errors.items() if k in relevant}
        for name, message in errors.items():
            result.errors.append((name, str(message)))
        if result.errors:
            result.outcome = "rejected"
            continue
        result.member = member
        if existing is None:
            result.outcome = "new"
        else:
            changed = any(
                getattr(existing, f + "_id" if f == "group" else f)
                != getattr(member, f + "_id" if f == "group" else f)
                for f in COMPARED_FIELDS
            )
            result.outcome = "updated" if changed else "unchanged"


def _by_name(rows: list[RowResult], dest: Destination) -> dict[str, list[Member]]:
    """The unit's members bearing the folded name of a row without an identity number."""
    names = {
        fold(r.values["full_name"])
        for r in rows
        if not r.errors and not r.values.get("cccd") and r.values.get("full_name")
    }
    found: dict[str, list[Member]] = {}
    if names:
        for member in among(Member.objects.filter(unit=dest.unit), "name_folded", names):
            found.setdefault(member.name_folded, []).append(member)
    return found


def _same_person(values: dict, by_name: dict, result: RowResult) -> Member | None:
    """The unit's member a row without an identity number is about: the same folded name and
    date of birth (or the same year, when either side knows only the year; none on both when
    the row has none). Several such members: the row is refused rather than guessed."""
    born = values.get("date_of_birth")
    year_only = values.get("birth_year_only", False)
    candidates = []
    for member in by_name.get(fold(values["full_name"]), ()):
        dob = member.date_of_birth
        if born is None or dob is None:
            same = born is None and dob is None
        elif year_only or member.birth_year_only:
            same = dob.year == born.year
        else:
            same = dob == born
        if same:
            candidates.append(member)
    open_ones = [m for m in candidates if m.status in OPEN_STATUSES]
    candidates = open_ones or candidates
    if len(candidates) > 1:
        result.errors.append(
            (
                "cccd",
                _(
                    "Several members of this union have this name and date of birth: add the "
                    "citizen identity number to say which one this row is about."
                ),
            )
        )
        return None
    return candidates[0] if candidates else None


def member_from(values: dict, existing: Member | None, dest: Destination, cache: dict) -> Member:
    """The record a row makes: a new member of ``dest`` or a copy of ``existing`` with the
    row's values."""
    if existing is None:
        template = cache.get("template")
        if template is None:
            template = Member(
                unit=dest.unit,
                group=dest.default_group,
                tree=dest.tree,
                status=MemberStatus.ACTIVE,
            )
            cache["template"] = template
        # A fresh Member without running Model.__init__ per row: the template's values, then
        # the row's plain values straight into the instance (no setattr per field).
        member = Member.__new__(Member)
        fields = dict(template.__dict__)
        fields.update(values)
        fields.pop("group", None)  # set below, through its descriptor
        state = fields["_state"] = ModelState()
        state.fields_cache = dict(template._state.fields_cache)
        member.__dict__ = fields
    else:
        member = _copy(existing)
        member.__dict__.update({k: v for k, v in values.items() if k not in _SPECIAL_VALUES})
    # The union group through its descriptor, the card number only on a new member.
    if "group" in values:
        member.group = values["group"]
    if "card_number" in values and existing is None:
        member.card_number = values["card_number"]
    if (
        "cccd" in values
        and existing is not None
        and existing.cccd_exception
        and existing.cccd == values["cccd"]
    ):
        member.cccd_exception = True
    return member


def _clone(member: Member) -> Member:
    """A copy of ``member`` (its field values and cached relations) built without ``Model.__init__``."""
    clone = Member.__new__(Member)
    state = member._state
    clone.__dict__.update(member.__dict__)
    clone._state = ModelState()
    clone._state.adding = state.adding
    clone._state.db = state.db
    clone._state.fields_cache = dict(state.fields_cache)
    return clone


def _copy(member: Member) -> Member:
    clone = _clone(member)
    clone._state.adding = False
    clone.updated_at = timezone.now()
    return clone
