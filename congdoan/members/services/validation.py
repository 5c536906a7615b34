"""What a member record may hold: the editable fields, the units members belong to, and the
normalising and checking of a record before any service writes it (field problems are
collected, then raised together as one ``ValidationError``)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.common import cccd as cccd_rules
from congdoan.common.errors import NotAllowed
from congdoan.common.phone import normalize_phone
from congdoan.common.text import normalize_text
from congdoan.org import divisions
from congdoan.org.choices import UnitKind
from congdoan.org.models import Unit
from congdoan.org.paths import is_within

from ..choices import EducationLevel, Ethnicity, Gender, Qualification, Religion
from ..models import Member, tree_key
from ..queries import can_manage, can_see_salary

# Fields an officer edits on the form, the API and the import.
EDITABLE_FIELDS = (
    "full_name",
    "gender",
    "date_of_birth",
    "birth_year_only",
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


def resolve_unit(unit: Unit) -> tuple[Unit, Unit | None]:
    """(grassroots unit, union group) for a unit chosen as a member's place."""
    if unit.kind == UnitKind.UNION_GROUP:
        return Unit.objects.get_parent(unit), unit
    return unit, None


def check_unit(unit: Unit) -> None:
    """Members are recorded only on an active grassroots union or union group."""
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
            or not is_within(group.path, member.unit.path)
            or group.pk == member.unit_id
        ):
            errors["group"] = _("The union group must belong to the member's grassroots union.")
    return errors


def cccd_owner(tree: str, number: str, exclude_pk: int | None = None) -> Member | None:
    """The member of ``tree`` holding identity ``number`` (other than ``exclude_pk``), if any."""
    if not number:
        return None
    qs = Member.objects.filter(tree=tree, cccd=number)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def check_unique_cccd(member: Member, errors: dict, actor: User) -> None:
    """Adds to ``errors`` when another member of the tree holds ``member``'s identity number."""
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


def validate(member: Member, actor: User) -> None:
    """Normalise and check ``member`` (its tree key set from its unit); all problems raised at once."""
    errors = clean_fields(member)
    member.tree = tree_key(member.unit.path)
    check_unique_cccd(member, errors, actor)
    if errors:
        raise ValidationError(errors)


def refuse_salary(actor: User, unit: Unit, fields: Iterable[str]) -> None:
    """Only finance officers write the salary used for dues (``NotAllowed``, 403)."""
    if FINANCE_FIELDS & set(fields) and not can_see_salary(actor, unit):
        raise NotAllowed(_("Only finance officers may record the salary used for dues."))


def check_field_names(fields: Iterable[str]) -> None:
    """A programming error, not an input one: a caller passed a field no officer edits."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
