"""Operations that change the organisation tree and role assignments.

Each runs in one transaction and checks the actor's scope first: an actor who cannot see
the unit gets ``OutOfScope`` (404); one who sees it without the needed role gets
``NotAllowed`` (403). Views, the API, commands and tests all call these functions.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.common.errors import NotAllowed, OutOfScope

from . import hooks
from .choices import (
    ALL_ROLES,
    KIND_RULES,
    ROLE_MANAGERS,
    ROLE_RANK,
    TREE_MANAGERS,
    UNIT_EDITORS,
    UnitKind,
    UnitStatus,
    can_contain,
)
from .models import RoleAssignment, RolePolicy, Unit
from .paths import is_within
from .queries import MFA_POLICY_CACHE_KEY, bump_tree_version, can_set_policies
from .scoping import best_rank_on, forget_scope, has_role_on

# The details a unit's officers may set (code and kind are fixed at creation), in the order
# the form shows them.
EDITABLE_FIELDS = (
    "name",
    "abbreviation",
    "province_code",
    "commune_code",
    "address",
    "employer_name",
    "employer_tax_code",
    "ownership",
    "worker_count",
)
STRUCTURAL_FIELDS = {"name", "abbreviation"}


def require_role(actor: User, unit: Unit, roles: Iterable[str]) -> None:
    """Raise unless ``actor`` holds one of ``roles`` on ``unit`` (404 when it is out of sight)."""
    if not has_role_on(actor, unit, ALL_ROLES):
        raise OutOfScope()
    if not has_role_on(actor, unit, roles):
        raise NotAllowed(_("Your role does not allow this action on this unit."))


def _locked(unit: Unit) -> Unit:
    """The unit re-read inside the transaction, locked where the database can lock rows."""
    return Unit.objects.select_for_update().get(pk=unit.pk)


def _require_active(unit: Unit) -> None:
    if not unit.is_active:
        raise ValidationError(
            _("%(unit)s is %(status)s; only active units can be changed this way.")
            % {"unit": unit.name, "status": unit.get_status_display().lower()}
        )


def _tree_changed() -> None:
    """Invalidate cached subtree counts once the current transaction commits."""
    transaction.on_commit(bump_tree_version)


def _history_note(unit: Unit, actor: User, reason: str) -> None:
    """Attach the actor and a machine-readable reason ("moved:CODE") to the next history row."""
    unit._change_reason = reason or None
    unit._history_user = actor if getattr(actor, "pk", None) else None


@transaction.atomic
def create_unit(
    actor: User, *, parent: Unit | None, code: str, name: str, kind: str, **fields
) -> Unit:
    """Create a unit under ``parent`` (a new root when ``parent`` is None: superusers only)."""
    _tree_changed()
    unknown = set(fields).difference(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    if parent is None:
        if not actor.is_superuser:
            raise NotAllowed(_("Only a system administrator can create a top-level unit."))
    else:
        require_role(actor, parent, TREE_MANAGERS)
        parent = _locked(parent)
        _require_active(parent)
        if not can_contain(parent.kind, kind):
            raise ValidationError(
                {
                    "kind": _("A %(child)s cannot be placed under a %(parent)s.")
                    % {"child": _kind_label(kind), "parent": parent.get_kind_display()}
                }
            )
    unit = Unit(code=code, name=name, kind=kind, **fields)
    unit.code = (unit.code or "").strip().upper()
    unit.full_clean(exclude=["path", "depth", "numchild"])
    _history_note(unit, actor, "")
    if parent is None:
        unit = Unit.objects.add_root(instance=unit)
    else:
        unit = Unit.objects.add_child(parent, instance=unit)
    return unit


def _kind_label(kind: str) -> str:
    return str(UnitKind(kind).label)


@transaction.atomic
def update_unit(actor: User, unit: Unit, **changes) -> Unit:
    """Change a unit's details. Renaming needs an administrator; other details an officer."""
    unknown = set(changes).difference(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    needed = TREE_MANAGERS if STRUCTURAL_FIELDS & set(changes) else UNIT_EDITORS
    require_role(actor, unit, needed)
    unit = _locked(unit)
    _require_active(unit)
    for field, value in changes.items():
        setattr(unit, field, value)
    unit.full_clean(exclude=["path", "depth", "numchild"])
    _history_note(unit, actor, "")
    unit.save()
    return unit


def rename_unit(actor: User, unit: Unit, name: str) -> Unit:
    """Give ``unit`` a new name (an administrator's change)."""
    return update_unit(actor, unit, name=name)


@transaction.atomic
def move_unit(actor: User, unit: Unit, new_parent: Unit) -> Unit:
    """Move ``unit`` with its whole subtree under ``new_parent``."""
    _tree_changed()
    require_role(actor, unit, TREE_MANAGERS)
    require_role(actor, new_parent, TREE_MANAGERS)
    unit, new_parent = _locked(unit), _locked(new_parent)
    _require_active(unit)
    _require_active(new_parent)
    if is_within(new_parent.path, unit.path):
        raise ValidationError(_("A unit cannot be moved under itself or one of its own sub-units."))
    if unit.depth == 1:
        raise ValidationError(_("A top-level unit cannot be moved."))
    if not can_contain(new_parent.kind, unit.kind):
        raise ValidationError(
            _("A %(child)s cannot be placed under a %(parent)s.")
            % {"child": unit.get_kind_display(), "parent": new_parent.get_kind_display()}
        )
    if Unit.objects.get_parent(unit).pk == new_parent.pk:
        return unit
    Unit.objects.move(unit, new_parent, pos="last-child")
    unit = Unit.objects.get(pk=unit.pk)
    _history_note(unit, actor, f"moved:{new_parent.code}")
    unit.save()
    forget_scope(actor)
    return unit


@transaction.atomic
def merge_units(actor: User, source: Unit, target: Unit, reason: str = "") -> Unit:
    """Merge ``source`` into ``target``: its sub-units and records go to ``target``.

    ``source`` stays in the tree, marked merged and pointing to ``target``, so old records
    and documents that name it still resolve.
    """
    _tree_changed()
    require_role(actor, source, TREE_MANAGERS)
    require_role(actor, target, TREE_MANAGERS)
    source, target = _locked(source), _locked(target)
    if source.pk == target.pk:
        raise ValidationError(_("A unit cannot be merged into itself."))
    _require_active(source)
    _require_active(target)
    if is_within(target.path, source.path):
        raise ValidationError(_("A unit cannot be merged into one of its own sub-units."))
    if KIND_RULES[source.kind][0] != KIND_RULES[target.kind][0]:
        raise ValidationError(_("Units of different organisations cannot be merged."))
    for child in list(Unit.objects.get_children(source)):
        if not can_contain(target.kind, child.kind):
            raise ValidationError(
                _("%(child)s cannot be placed under %(target)s.")
                % {"child": child.name, "target": target.name}
            )
        Unit.objects.move(child, Unit.objects.get(pk=target.pk), pos="last-child")
    source = Unit.objects.get(pk=source.pk)
    target = Unit.objects.get(pk=target.pk)
    for handler in hooks.merge_handlers:
        handler(actor, source, target)
    source.status = UnitStatus.MERGED
    source.merged_into = target
    source.status_changed_at = timezone.now()
    source.status_reason = reason[:255]
    _history_note(source, actor, f"merged:{target.code}")
    source.save()
    RoleAssignment.objects.filter(unit=source).delete()
    forget_scope(actor)
    return target


@transaction.atomic
def dissolve_unit(actor: User, unit: Unit, reason: str) -> Unit:
    """Mark an empty unit dissolved. Units with active sub-units or records are refused."""
    _tree_changed()
    require_role(actor, unit, TREE_MANAGERS)
    unit = _locked(unit)
    _require_active(unit)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for dissolving the unit.")})
    if unit.depth == 1:
        raise ValidationError(_("A top-level unit cannot be dissolved."))
    if Unit.objects.subtree_of(unit).active().exclude(pk=unit.pk).exists():
        raise ValidationError(_("The unit still has active sub-units; move or merge them first."))
    for check in hooks.emptiness_checks:
        problem = check(unit)
        if problem:
            raise ValidationError(problem)
    unit.status = UnitStatus.DISSOLVED
    unit.status_changed_at = timezone.now()
    unit.status_reason = reason.strip()[:255]
    _history_note(unit, actor, "")
    unit.save()
    RoleAssignment.objects.filter(unit=unit).delete()
    return unit


@transaction.atomic
def grant_role(actor: User, user: User, unit: Unit, role: str) -> RoleAssignment:
    """Give ``user`` ``role`` on ``unit``; only inside the actor's subtree, never above their rank."""
    require_role(actor, unit, ROLE_MANAGERS)
    _require_active(unit)
    if ROLE_RANK[role] > best_rank_on(actor, unit):
        raise NotAllowed(_("You cannot grant a role above your own."))
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, unit=unit, role=role, defaults={"granted_by": actor if actor.pk else None}
    )
    forget_scope(user)
    return assignment


@transaction.atomic
def revoke_role(actor: User, assignment: RoleAssignment) -> None:
    """Take a role away; never one above the actor's rank, nor the actor's own administrator role."""
    require_role(actor, assignment.unit, ROLE_MANAGERS)
    if ROLE_RANK[assignment.role] > best_rank_on(actor, assignment.unit):
        raise NotAllowed(_("You cannot revoke a role above your own."))
    if assignment.user_id == actor.pk and assignment.role in ROLE_MANAGERS:
        raise ValidationError(_("You cannot revoke your own administrator role."))
    assignment._history_user = actor
    assignment.delete()
    forget_scope(assignment.user)


@transaction.atomic
def set_role_policy(actor: User, role: str, *, require_mfa: bool) -> RolePolicy:
    """Require (or stop requiring) two-factor login for every holder of ``role``.

    The policy is province-wide, so only a superuser or an administrator of a top-level
    unit may set it.
    """
    if not can_set_policies(actor):
        raise NotAllowed(
            _("Only an administrator of a top-level unit can change security policies.")
        )
    policy, _created = RolePolicy.objects.update_or_create(
        role=role, defaults={"require_mfa": require_mfa, "updated_by": actor}
    )
    transaction.on_commit(lambda: cache.delete(MFA_POLICY_CACHE_KEY))
    return policy
