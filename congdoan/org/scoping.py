"""The one scoping door: which part of the tree a user may see or act on.

A role assignment (user, unit, role) grants the role on the unit and its whole subtree, so
a user's scope is a set of materialised-path prefixes. Every queryset that reaches a user is
filtered through :func:`scope_q`; out-of-scope objects are answered 404 by the callers.

This module sits below ``models`` (``Unit.objects.visible_to`` is built on :func:`scope_q`),
so it never imports them: a user's assignments are read through the reverse accessor
``user.role_assignments`` that ``RoleAssignment.user`` declares.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q

from congdoan.accounts.models import AnyUser

from .choices import ROLE_RANK, Role, UnitStatus
from .paths import ancestor_paths, is_within, prefix_q

if TYPE_CHECKING:  # models import this module: the name is for annotations only
    from .models import Unit

_CACHE_ATTR = "_congdoan_scope_cache"


def _assignments(user: AnyUser) -> list[tuple[str, str]]:
    """(unit path, role) of the user's assignments on active units, cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            user.role_assignments.filter(unit__status=UnitStatus.ACTIVE).values_list(
                "unit__path", "role"
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_scope(user: AnyUser) -> None:
    """Drop the cached scope after the user's roles changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_paths(user: AnyUser | None, roles: Iterable[str] | None = None) -> list[str] | None:
    """Minimal list of path prefixes the user reaches with any of ``roles``.

    ``None`` means everything (superuser); an empty list means nothing.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    wanted = set(roles) if roles is not None else None
    paths = sorted({p for p, r in _assignments(user) if wanted is None or r in wanted})
    minimal: list[str] = []
    for path in paths:  # sorted, so an ancestor always comes before its descendants
        if not minimal or not is_within(path, minimal[-1]):
            minimal.append(path)
    return minimal


def scope_q(
    user: AnyUser | None, path_field: str = "path", roles: Iterable[str] | None = None
) -> Q:
    """A ``Q`` selecting rows whose ``path_field`` lies in the user's scope."""
    paths = scope_paths(user, roles)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= prefix_q(path, path_field)
    return q


def has_role_on(user: AnyUser, unit: Unit, roles: Iterable[str] | None = None) -> bool:
    """True when the user holds one of ``roles`` on ``unit`` or one of its ancestors."""
    paths = scope_paths(user, roles)
    if paths is None:
        return True
    return any(is_within(unit.path, p) for p in paths)


def best_rank_on(user: AnyUser, unit: Unit) -> int:
    """The highest role rank the user holds over ``unit`` (0 for none)."""
    if user.is_superuser:
        return max(ROLE_RANK.values()) + 1
    ranks = [ROLE_RANK[r] for p, r in _assignments(user) if is_within(unit.path, p)]
    return max(ranks, default=0)


def roles_held(user: AnyUser) -> set[str]:
    """Every role the user holds on some active unit (all roles for a superuser)."""
    if user.is_superuser:
        return set(Role.values)
    return {r for _, r in _assignments(user)}


class UnitScopedQuerySet(models.QuerySet):
    """The queryset of any model placed in the tree by a unit (at ``scope_path``): the
    subtree rule and the tree questions every app asks of such rows, written once."""

    scope_path = "unit__path"

    def visible_to(self, user: AnyUser | None, roles: Iterable[str] | None = None) -> Self:
        """Rows of units in ``user``'s scope (optionally only where they hold ``roles``)."""
        return self.filter(scope_q(user, self.scope_path, roles))

    def in_subtree(self, unit: Unit) -> Self:
        """Rows of ``unit`` and the units below it."""
        return self.filter(prefix_q(unit.path, self.scope_path))

    def applying_to(self, unit: Unit) -> Self:
        """Rows of ``unit`` or one of its ancestors: what reaches ``unit`` from above."""
        return self.filter(
            **{f"{self.scope_path}__in": ancestor_paths(unit.path, include_self=True)}
        )

    def concerning(self, unit: Unit) -> Self:
        """Rows of ``unit``, its ancestors or the units below it: those on ``unit``'s line."""
        return self.filter(
            Q(**{f"{self.scope_path}__in": ancestor_paths(unit.path)})
            | prefix_q(unit.path, self.scope_path)
        )
