"""Operations on member records: admit, update (optimistic locking), transfer, leave,
suspend, reinstate, record death, merge duplicates, and the org tree hooks.

Each function checks the actor's scope first (``require_role``: 404 out of sight, 403 role
too weak), runs in one transaction and leaves a history record naming the actor and the
reason. Views, the API, the import and the command line all call these.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.common import cccd as cccd_rules
from congdoan.common.errors import NotAllowed, OutOfScope
from congdoan.common.phone import normalize_phone
from congdoan.common.text import normalize_text
from congdoan.org import divisions
from congdoan.org.choices import FINANCE_ROLES, MEMBER_MANAGERS, UnitKind
from congdoan.org.models import Unit
from congdoan.org.scoping import has_role_on
from congdoan.org.services import require_role

from . import hooks
from .access_log import reveal_cccd  # noqa: F401 - callers (the API) ask services for it
from .choices import (
    OPEN_STATUSES,
    EducationLevel,
    Ethnicity,
    Gender,
    MemberStatus,
    Qualification,
    Religion,
    TransferStatus,
)
from .models import TREE_KEY_LENGTH, CardSequence, Member, TransferRequest

# Fields an officer edits on the form, the API and the import.
EDITABLE_FIELDS = (
    "full_name",
    "gender",
    "date_of_birth",
    "cccd",
    "cccd_exception",
    "cccd_exception_reason",
    "ethnicity",
    "religion",
    "education_level",
    "qualification",
    "phone",
    "email",
    "permanent_province",
    "permanent_commune",
    "permanent_street",
    "current_province",
    "current_commune",
    "current_street",
    "group",
    "job_title",
    "joined_on",
    "monthly_salary",
)
FINANCE_FIELDS = frozenset({"monthly_salary"})
UNIT_KINDS_FOR_MEMBERS = frozenset(
    {
        UnitKind.GRASSROOTS_UNION,
        UnitKind.YOUTH_BRANCH,
        UnitKind.GRASSROOTS_FARMERS_UNION,
        UnitKind.FARMERS_BRANCH,
    }
)
OLDEST_BIRTH = datetime.date(1900, 1, 1)


# --- helpers ------------------------------------------------------------------------------------
def _note(member: Member, actor, reason: str) -> None:
    member._change_reason = reason[:100]
    member._history_user = actor if getattr(actor, "pk", None) else None


def can_see_salary(user, member_or_unit) -> bool:
    unit = getattr(member_or_unit, "unit", member_or_unit)
    return has_role_on(user, unit, FINANCE_ROLES)


def can_manage(user, member: Member) -> bool:
    return has_role_on(user, member.unit, MEMBER_MANAGERS)


def reserve_card_numbers(tree: str, count: int, also_taken=frozenset()) -> list[str]:
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


def resolve_unit(unit: Unit) -> tuple[Unit, Unit | None]:
    """(grassroots unit, union group) for a unit chosen as a member's place."""
    if unit.kind == UnitKind.UNION_GROUP:
        return Unit.objects.get_parent(unit), unit
    return unit, None


def check_unit(unit: Unit) -> None:
    if unit.kind not in UNIT_KINDS_FOR_MEMBERS:
        raise ValidationError(
            {"unit": _("Members are recorded on a grassroots union or a union group.")}
        )
    if not unit.is_active:
        raise ValidationError({"unit": _("%(unit)s is no longer active.") % {"unit": unit.name}})


_VALUES: dict[type, frozenset] = {}


def choice_values(choices) -> frozenset:
    """``choices.values`` as a set, computed once (Django rebuilds the list on every access)."""
    values = _VALUES.get(choices)
    if values is None:
        values = _VALUES[choices] = frozenset(choices.values)
    return values


_E164 = re.compile(r"\+84(?:[35789]\d{8}|2\d{9})")  # what ``normalize_phone`` gives

_CHOICE_SETS = {
    "gender": frozenset(Gender.values),
    "ethnicity": frozenset(Ethnicity.values),
    "religion": frozenset(Religion.values),
    "education_level": frozenset(EducationLevel.values),
    "qualification": frozenset(Qualification.values),
}


def clean_fields(
    member: Member, errors: dict | None = None, *, today: datetime.date | None = None
) -> dict:
    """Normalise ``member``'s fields in place and collect field-level problems (not raised)."""
    normalise_fields(member)
    return check_fields(member, errors, today=today)


def normalise_fields(member: Member) -> None:
    """Names and texts NFC and single-spaced, identity number and phone in their stored form,
    e-mail in lower case, choices without stray spaces. A value that cannot be normalised (a
    phone that is not Vietnamese) is left as it is for ``check_fields`` to report."""
    member.full_name = normalize_text(member.full_name)
    for field in _CHOICE_SETS:
        value = getattr(member, field)
        setattr(member, field, (value or "").strip() if isinstance(value, str) else (value or ""))
    member.cccd = cccd_rules.restore(member.cccd)
    member.cccd_exception_reason = normalize_text(member.cccd_exception_reason)
    if not member.cccd:
        member.cccd_exception = False
    phone = normalize_phone(member.phone)
    if phone is not None:
        member.phone = phone
    member.email = (member.email or "").strip().lower()
    for kind in ("permanent", "current"):
        setattr(member, f"{kind}_street", normalize_text(getattr(member, f"{kind}_street")))
    member.job_title = normalize_text(member.job_title)
    if member.monthly_salary is not None:
        try:
            salary = Decimal(member.monthly_salary)
        except (InvalidOperation, TypeError, ValueError):
            return
        if 0 <= salary < Decimal(10) ** 13:
            member.monthly_salary = salary.quantize(Decimal(1))


def check_fields(
    member: Member, errors: dict | None = None, *, today: datetime.date | None = None
) -> dict:
    """Field-level problems of a normalised ``member`` (see ``normalise_fields``), not raised.

    The import calls this alone: its parser already gives values in normalised form.
    ``today`` may be given by callers that check many members to skip the lookup.
    """
    errors = {} if errors is None else errors
    today = today or timezone.localdate()
    if not member.full_name:
        errors["full_name"] = _("Enter the member's full name.")
    elif len(member.full_name) > 150:
        errors["full_name"] = _("A name has at most 150 characters.")
    for field, values in _CHOICE_SETS.items():
        value = getattr(member, field)
        if value and value not in values:
            errors[field] = _("Choose one of the listed values.")
    dob = member.date_of_birth
    if dob and (dob < OLDEST_BIRTH or dob > today):
        errors["date_of_birth"] = _("The date of birth must be between 1900 and today.")
    if member.joined_on and member.joined_on > today:
        errors["joined_on"] = _("The date of joining cannot be in the future.")
    if member.joined_on and dob and member.joined_on < dob:
        errors["joined_on"] = _("The date of joining is before the date of birth.")

    year = dob.year if dob else None
    if member.cccd and not cccd_rules.is_valid(member.cccd, member.gender or None, year):
        found = cccd_rules.problems(member.cccd, member.gender or None, year)
        structural = [p for p in found if p.code in ("digits", "length", "old_id")]
        if structural or (found and not member.cccd_exception):
            errors["cccd"] = " ".join(p.message for p in found)
        elif member.cccd_exception and not member.cccd_exception_reason:
            errors["cccd_exception_reason"] = _(
                "Say why this number is right although it does not match."
            )
    if member.phone and not _E164.fullmatch(member.phone):
        errors["phone"] = _("Not a Vietnamese phone number (e.g. 0912 345 678 or 0203 3825 123).")
    if member.email:
        try:
            validate_email(member.email)
        except ValidationError:
            errors["email"] = _("Enter a valid email address.")
    for kind in ("permanent", "current"):
        province, commune = getattr(member, f"{kind}_province"), getattr(member, f"{kind}_commune")
        if province and not divisions.province_name(province):
            errors[f"{kind}_province"] = _("Unknown province code.")
        if commune:
            if not province:
                errors[f"{kind}_commune"] = _("Choose the province before the commune.")
            elif not divisions.commune_in_province(commune, province):
                errors[f"{kind}_commune"] = _("This commune or ward is not in the chosen province.")
    if member.monthly_salary is not None:
        salary = member.monthly_salary
        if (
            not isinstance(salary, Decimal)
            or salary < 0
            or salary >= Decimal(10) ** 13
            or salary != salary.to_integral_value()
        ):
            errors["monthly_salary"] = _("Enter the salary in đồng, a positive whole number.")
    if member.group_id:
        group = member.group
        if (
            group.kind != UnitKind.UNION_GROUP
            or not group.path.startswith(member.unit.path)
            or group.pk == member.unit_id
        ):
            errors["group"] = _("The union group must belong to the member's grassroots union.")
    return errors


def cccd_owner(tree: str, number: str, exclude_pk: int | None = None) -> Member | None:
    if not number:
        return None
    qs = Member.objects.filter(tree=tree, cccd=number)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def _check_unique_cccd(member: Member, errors: dict, actor) -> None:
    if member.cccd and "cccd" not in errors:
        other = cccd_owner(member.tree, member.cccd, member.pk)
        if other is None:
            return
        # Only an officer who manages the other record learns its card: anyone else could
        # type numbers as probes and map them to cards across the province.
        if can_manage(actor, other):
            errors["cccd"] = _(
                "This citizen identity number is already recorded for another member (card %(card)s): "
                "one person has one record."
            ) % {"card": other.card_number}
        else:
            errors["cccd"] = _(
                "This citizen identity number is already recorded for a member of another unit: "
                "one person has one record; ask for a transfer."
            )


def validate(member: Member, actor) -> None:
    errors = clean_fields(member)
    member.tree = member.unit.path[:TREE_KEY_LENGTH]
    _check_unique_cccd(member, errors, actor)
    if errors:
        raise ValidationError(errors)


def _refuse_salary(actor, unit, fields) -> None:
    if FINANCE_FIELDS & set(fields) and not has_role_on(actor, unit, FINANCE_ROLES):
        raise NotAllowed(_("Only finance officers may record the salary used for dues."))


def _check_fields(fields) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")


# --- admit and update -----------------------------------------------------------------------------
@transaction.atomic
def admit_member(actor, unit: Unit, *, card_number: str = "", **fields) -> Member:
    """Record a new member of ``unit`` (a grassroots union, or one of its union groups)."""
    _check_fields(fields)
    require_role(actor, unit, MEMBER_MANAGERS)
    unit, group = resolve_unit(unit)
    check_unit(unit)
    _refuse_salary(actor, unit, [k for k, v in fields.items() if v not in (None, "")])
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
    _note(member, actor, "admitted")
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
    actor, member: Member, *, version: int | None = None, reason: str = "updated", **changes
) -> Member:
    """Change a member's details; refused when ``version`` is not the current one (see EditConflict)."""
    _check_fields(changes)
    require_role(actor, member.unit, MEMBER_MANAGERS)
    current = Member.objects.select_for_update().select_related("unit").get(pk=member.pk)
    if current.status not in OPEN_STATUSES:
        raise ValidationError(
            _("A member who is %(status)s cannot be edited; reinstate them first.")
            % {"status": current.get_status_display().lower()}
        )
    changed = {k: v for k, v in changes.items() if _differs(current, k, v)}
    _refuse_salary(actor, current.unit, changed)
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
    _note(current, actor, reason)
    current.save()
    return current


def _differs(member: Member, field: str, value) -> bool:
    if field == "group":
        return member.group_id != (value.pk if value is not None else None)
    return getattr(member, field) != value


# --- transfers ----------------------------------------------------------------------------------
@transaction.atomic
def transfer_member(
    actor, member: Member, to_unit: Unit, note: str = ""
) -> Member | TransferRequest:
    """Move a member to another grassroots union.

    Inside the actor's scope the move is immediate; outside it, a request waits for an officer
    of the receiving unit (``decide_transfer``).
    """
    require_role(actor, member.unit, MEMBER_MANAGERS)
    member = Member.objects.select_for_update().select_related("unit").get(pk=member.pk)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError(_("Only an active member can be transferred."))
    to_unit, group = resolve_unit(to_unit)
    check_unit(to_unit)
    if to_unit.pk == member.unit_id:
        raise ValidationError({"to_unit": _("The member is already in this unit.")})
    if has_role_on(actor, to_unit, MEMBER_MANAGERS):
        return _move(
            actor, member, to_unit, group, f"transferred from {member.unit.code} to {to_unit.code}"
        )
    if TransferRequest.objects.filter(member=member, status=TransferStatus.PENDING).exists():
        raise ValidationError(_("A transfer of this member is already waiting for a decision."))
    return TransferRequest.objects.create(
        member=member,
        from_unit=member.unit,
        to_unit=to_unit,
        note=normalize_text(note)[:255],
        requested_by=actor,
    )


def _move(actor, member: Member, to_unit: Unit, group: Unit | None, reason: str) -> Member:
    member.unit, member.group = to_unit, group
    member.tree = to_unit.path[:TREE_KEY_LENGTH]
    errors: dict = {}
    _check_unique_cccd(member, errors, actor)
    if errors:
        raise ValidationError(errors)
    member.version += 1
    _note(member, actor, reason)
    member.save()
    return member


def visible_transfer_requests(user):
    return TransferRequest.objects.filter(TransferRequest.visible_q(user)).select_related(
        "member", "from_unit", "to_unit", "requested_by"
    )


@transaction.atomic
def decide_transfer(
    actor, request: TransferRequest, *, accept: bool, note: str = ""
) -> TransferRequest:
    """The receiving unit's officer accepts (the member moves) or refuses a transfer request."""
    require_role(actor, request.to_unit, MEMBER_MANAGERS)
    request = TransferRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != TransferStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    member = Member.objects.select_for_update().get(pk=request.member_id)
    if accept:
        if member.status != MemberStatus.ACTIVE or member.unit_id != request.from_unit_id:
            raise ValidationError(
                _("The member has changed since the request; it can only be refused.")
            )
        check_unit(request.to_unit)
        _move(
            actor,
            member,
            request.to_unit,
            None,
            f"transferred from {request.from_unit.code} to {request.to_unit.code}",
        )
    request.status = TransferStatus.ACCEPTED if accept else TransferStatus.REFUSED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = normalize_text(note)[:255]
    request.save()
    return request


@transaction.atomic
def cancel_transfer(actor, request: TransferRequest) -> TransferRequest:
    require_role(actor, request.from_unit, MEMBER_MANAGERS)
    request = TransferRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != TransferStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    request.status = TransferStatus.CANCELLED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save()
    return request


# --- status changes -----------------------------------------------------------------------------
def _change_status(
    actor,
    member: Member,
    status: str,
    *,
    allowed_from,
    reason: str,
    on,
    history: str,
    reason_required: bool = True,
) -> Member:
    require_role(actor, member.unit, MEMBER_MANAGERS)
    member = Member.objects.select_for_update().select_related("unit").get(pk=member.pk)
    if member.status not in allowed_from:
        raise ValidationError(
            _("Not possible for a member who is %(status)s.")
            % {"status": member.get_status_display().lower()}
        )
    reason = normalize_text(reason)
    if reason_required and not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    member.status, member.status_since, member.status_reason = status, on, reason[:255]
    member.version += 1
    _note(member, actor, history)
    member.save()
    TransferRequest.objects.filter(member=member, status=TransferStatus.PENDING).update(
        status=TransferStatus.CANCELLED, decided_at=timezone.now(), decided_by=actor
    )
    return member


@transaction.atomic
def leave(actor, member: Member, reason: str, on: datetime.date | None = None) -> Member:
    return _change_status(
        actor,
        member,
        MemberStatus.LEFT,
        allowed_from=OPEN_STATUSES,
        reason=reason,
        on=on,
        history="left",
    )


@transaction.atomic
def transfer_out(
    actor, member: Member, destination: str, on: datetime.date | None = None
) -> Member:
    """The member moved to an organisation not kept on this platform."""
    return _change_status(
        actor,
        member,
        MemberStatus.TRANSFERRED_OUT,
        allowed_from={MemberStatus.ACTIVE},
        reason=destination,
        on=on,
        history="transferred out",
    )


@transaction.atomic
def suspend(actor, member: Member, reason: str, on: datetime.date | None = None) -> Member:
    return _change_status(
        actor,
        member,
        MemberStatus.SUSPENDED,
        allowed_from={MemberStatus.ACTIVE},
        reason=reason,
        on=on,
        history="suspended",
    )


@transaction.atomic
def reinstate(actor, member: Member, reason: str = "", on: datetime.date | None = None) -> Member:
    return _change_status(
        actor,
        member,
        MemberStatus.ACTIVE,
        allowed_from={MemberStatus.SUSPENDED, MemberStatus.LEFT, MemberStatus.TRANSFERRED_OUT},
        reason=reason,
        on=on,
        history="reinstated",
        reason_required=False,
    )


@transaction.atomic
def record_death(actor, member: Member, on: datetime.date | None = None, note: str = "") -> Member:
    return _change_status(
        actor,
        member,
        MemberStatus.DECEASED,
        allowed_from={
            MemberStatus.ACTIVE,
            MemberStatus.SUSPENDED,
            MemberStatus.LEFT,
            MemberStatus.TRANSFERRED_OUT,
        },
        reason=note,
        on=on,
        history="deceased",
        reason_required=False,
    )


# --- duplicates ---------------------------------------------------------------------------------
@transaction.atomic
def merge_duplicates(actor, keep: Member, duplicate: Member, reason: str = "") -> Member:
    """Fold ``duplicate`` into ``keep``: blanks of ``keep`` are filled from it, it becomes
    "merged" (never deleted) and both histories stay readable from ``keep``'s page."""
    require_role(actor, keep.unit, MEMBER_MANAGERS)
    require_role(actor, duplicate.unit, MEMBER_MANAGERS)
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different records."))
    keep, duplicate = (
        Member.objects.select_for_update().select_related("unit").get(pk=m.pk)
        for m in (keep, duplicate)
    )
    if MemberStatus.MERGED in (keep.status, duplicate.status):
        raise ValidationError(_("One of these records is already merged."))
    if keep.cccd and duplicate.cccd and keep.cccd != duplicate.cccd:
        raise ValidationError(
            _("The two records have different citizen identity numbers: they are two people.")
        )
    if keep.tree != duplicate.tree:
        raise ValidationError(_("The two records belong to different organisations."))
    taken_cccd = duplicate.cccd
    if taken_cccd and not keep.cccd:
        # The unique constraint allows one holder: release it from the duplicate first.
        duplicate.cccd = ""
        Member.objects.filter(pk=duplicate.pk).update(cccd="")
    for field in EDITABLE_FIELDS:
        if field in FINANCE_FIELDS and not has_role_on(actor, keep.unit, FINANCE_ROLES):
            continue
        ours = getattr(keep, field + "_id" if field == "group" else field)
        theirs = getattr(duplicate, field + "_id" if field == "group" else field)
        if ours in (None, "") and theirs not in (None, "") and field != "group":
            setattr(keep, field, theirs)
    if taken_cccd and not keep.cccd:
        keep.cccd = taken_cccd
        keep.cccd_exception = keep.cccd_exception or duplicate.cccd_exception
        keep.cccd_exception_reason = keep.cccd_exception_reason or duplicate.cccd_exception_reason
    if duplicate.joined_on and (not keep.joined_on or duplicate.joined_on < keep.joined_on):
        keep.joined_on = duplicate.joined_on
    keep.version += 1
    _note(keep, actor, f"merged with {duplicate.card_number}")
    keep.save()
    duplicate.status = MemberStatus.MERGED
    duplicate.status_since = timezone.localdate()
    duplicate.status_reason = (
        normalize_text(reason) or _("Duplicate of %(card)s") % {"card": keep.card_number}
    )[:255]
    duplicate.merged_into = keep
    duplicate.version += 1
    _note(duplicate, actor, f"merged into {keep.card_number}")
    duplicate.save()
    TransferRequest.objects.filter(member=duplicate, status=TransferStatus.PENDING).update(
        status=TransferStatus.CANCELLED, decided_at=timezone.now(), decided_by=actor
    )
    for handler in hooks.member_merge_handlers:
        handler(actor, duplicate, keep)
    return keep


# --- org tree hooks (registered in apps.py) ------------------------------------------------------
def move_members_of_merged_unit(actor, source: Unit, target: Unit) -> None:
    """Called by ``org.services.merge_units`` inside its transaction."""
    if source.kind == UnitKind.UNION_GROUP:
        if target.kind == UnitKind.UNION_GROUP:
            new_unit = Unit.objects.get_parent(target)
            members = Member.objects.filter(group=source)
            _bulk_move(
                actor, members, new_unit, target, f"group {source.code} merged into {target.code}"
            )
        else:
            _bulk_move(
                actor,
                Member.objects.filter(group=source),
                target,
                None,
                f"group {source.code} merged into {target.code}",
            )
        return
    members = Member.objects.filter(unit=source)
    if not members.exists():
        return
    if target.kind == UnitKind.UNION_GROUP:
        new_unit, group = Unit.objects.get_parent(target), target
    else:
        new_unit, group = target, None
    # Union groups of the source moved under the target with their members: keep the group.
    _bulk_move(
        actor,
        members.filter(group__isnull=True),
        new_unit,
        group,
        f"unit {source.code} merged into {target.code}",
    )
    _bulk_move(
        actor,
        members.filter(group__isnull=False),
        new_unit,
        None,
        f"unit {source.code} merged into {target.code}",
        keep_group=True,
    )


def _bulk_move(
    actor, members, unit: Unit, group: Unit | None, reason: str, keep_group: bool = False
) -> None:
    tree = unit.path[:TREE_KEY_LENGTH]
    for member in members.select_for_update().iterator(chunk_size=2000):
        member.unit = unit
        if not keep_group:
            member.group = group
        if member.tree != tree:
            member.tree = tree
            if member.cccd and cccd_owner(tree, member.cccd, member.pk):
                raise ValidationError(
                    _(
                        "Member %(card)s has the same citizen identity number as a member "
                        "of the target organisation; merge the two records first."
                    )
                    % {"card": member.card_number}
                )
        member.version += 1
        _note(member, actor, reason)
        try:
            member.save()
        except IntegrityError as exc:  # pragma: no cover - guarded above
            raise ValidationError(str(exc)) from exc


def unit_has_active_members(unit: Unit) -> str | None:
    if Member.objects.filter(Q(unit=unit) | Q(group=unit), status__in=OPEN_STATUSES).exists():
        return _("The unit still has members; transfer them or merge the unit instead.")
    return None


def member_count(unit: Unit) -> dict[str, int]:
    """Active members of ``unit``'s subtree, labelled for the unit page (translated at call time)."""
    members = Member.objects.filter(unit__path__startswith=unit.path, status=MemberStatus.ACTIVE)
    if unit.kind == UnitKind.UNION_GROUP:
        members = Member.objects.filter(group=unit, status=MemberStatus.ACTIVE)
    return {_("Members"): members.count()}


def require_visible(user, member_id: int) -> Member:
    member = (
        Member.objects.visible_to(user).select_related("unit", "group").filter(pk=member_id).first()
    )
    if member is None:
        raise OutOfScope()
    return member
