"""The competence framework and what "has digital skills" means: federation administrators
correct the framework's wording and open new versions of it; unit administrators set the
skills definitions their reports measure.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.common.errors import OutOfScope
from congdoan.org.choices import Role, UnitStatus
from congdoan.org.models import RoleAssignment, Unit

from ..models import Competence, CompetenceArea, DigitalSkillsDefinition, FrameworkVersion
from .editing import item_to_save, save_checked, set_fields

DEFINITION_MANAGERS = frozenset({Role.ADMINISTRATOR})


def is_framework_admin(actor: User | None) -> bool:
    """Federation administrators: superusers and administrators of a top-level unit."""
    if actor is None or not actor.is_authenticated:
        return False
    return (
        actor.is_superuser
        or RoleAssignment.objects.filter(
            user=actor, role=Role.ADMINISTRATOR, unit__depth=1, unit__status=UnitStatus.ACTIVE
        ).exists()
    )


def _require_framework_admin(actor: User) -> None:
    if not is_framework_admin(actor):
        raise OutOfScope()


@transaction.atomic
def update_competence(actor: User, competence: Competence, **changes) -> Competence:
    """Correct a competence's wording (names, description, the "to be checked" mark)."""
    _require_framework_admin(actor)
    allowed = {"name_vi", "name_en", "description", "needs_check"}
    if set(changes) - allowed:
        raise ValueError(f"unknown fields: {sorted(set(changes) - allowed)}")
    competence = Competence.objects.select_for_update().get(pk=competence.pk)
    stripped = {k: v.strip() if isinstance(v, str) else v for k, v in changes.items()}
    return save_checked(competence, stripped, history_user=actor)


@transaction.atomic
def update_area(actor: User, area: CompetenceArea, **changes) -> CompetenceArea:
    """Correct an area's names."""
    _require_framework_admin(actor)
    names = {k: changes[k].strip() for k in ("name_vi", "name_en") if k in changes}
    return save_checked(area, names, history_user=actor)


@transaction.atomic
def new_framework_version(
    actor: User, *, code: str, name: str, valid_from: datetime.date, legal_basis: str = ""
) -> FrameworkVersion:
    """Copy the current version's areas and competences into a new current version.

    Records earned under the old version keep pointing at it; definitions match by code.
    """
    _require_framework_admin(actor)
    current = FrameworkVersion.current()
    if FrameworkVersion.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A framework version with this code exists already.")})
    FrameworkVersion.objects.filter(is_current=True).update(is_current=False)
    version = FrameworkVersion.objects.create(
        code=code,
        name=name,
        valid_from=valid_from,
        legal_basis=legal_basis,
        is_current=True,
        created_by=actor,
    )
    if current is not None:
        for area in current.areas.all():
            old_pk = area.pk
            comps = list(Competence.objects.filter(area_id=old_pk))
            area.pk = None
            area.version = version
            area.save()
            for comp in comps:
                comp.pk = None
                comp.version = version
                comp.area = area
                comp.save()
    return version


@transaction.atomic
def save_definition(
    actor: User,
    unit: Unit,
    *,
    competences: Iterable[Competence],
    definition: DigitalSkillsDefinition | None = None,
    **fields,
) -> DigitalSkillsDefinition:
    """Create or change what "has digital skills" means for ``unit`` (administrators only)."""
    definition = item_to_save(
        actor, unit, definition, DigitalSkillsDefinition, DEFINITION_MANAGERS, created_by=actor
    )
    competences = list(competences)
    if not competences:
        raise ValidationError({"competences": _("Choose at least one competence.")})
    set_fields(definition, fields)
    if definition.min_competences and definition.min_competences > len(competences):
        raise ValidationError(
            {"min_competences": _("This is more than the number of competences chosen.")}
        )
    save_checked(definition, history_user=actor)
    definition.competences.set(competences)
    return definition
