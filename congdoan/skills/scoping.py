"""Who sees which skills records: the querysets every skills model's manager is made of.

Operational records (sessions, enrolments, skill records, certificates) follow the usual
rule: the unit's subtree, through :func:`congdoan.org.scoping.scope_q`. Catalogue items
(courses, question banks, assessments, skill definitions, campaigns) are also visible to the
units *below* their owner: a course the federation publishes can be run by every grassroots
union, while a course of one zone stays invisible to its sibling ward.

Tree paths are asked of ``congdoan.org.paths`` (``prefix_q`` keeps the path index on SQLite,
docs/decisions/0003); nothing here cuts paths itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

from django.db.models import Q

from congdoan.accounts.models import AnyUser
from congdoan.org.models import Unit
from congdoan.org.paths import ancestor_paths, prefix_q
from congdoan.org.scoping import UnitScopedQuerySet, scope_paths, scope_q


def catalogue_q(
    user: AnyUser, path_field: str = "unit__path", roles: Iterable[str] | None = None
) -> Q:
    """Rows owned by a unit in the user's subtree or by one of its ancestors."""
    paths = scope_paths(user, roles)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    q = Q()
    above: set[str] = set()
    for path in paths:
        q |= prefix_q(path, path_field)
        above.update(ancestor_paths(path))
    if above:
        q |= Q(**{f"{path_field}__in": sorted(above)})
    return q


class ScopedQuerySet(UnitScopedQuerySet):
    """Rows placed in the tree by the unit at ``scope_path``; ``visible_to`` is the subtree rule."""

    def managed_by(self, user: AnyUser, roles: Iterable[str] | None = None) -> Self:
        """Rows placed in the user's subtree: those they may change. Narrower than
        ``visible_to`` for catalogue items seen from below and certificates seen through
        their holder."""
        return self.filter(scope_q(user, self.scope_path, roles))


class CatalogueQuerySet(ScopedQuerySet):
    """Catalogue items: ``visible_to`` also shows those owned above the user's units."""

    def visible_to(self, user: AnyUser, roles: Iterable[str] | None = None) -> Self:
        return self.filter(catalogue_q(user, self.scope_path, roles))


class SessionScopedQuerySet(ScopedQuerySet):
    """Rows of a session (enrolments, attendance): placed by the organising unit."""

    scope_path = "session__unit__path"


class MemberScopedQuerySet(ScopedQuerySet):
    """Rows of a member (attempts, skill records): placed by the member's unit."""

    scope_path = "member__unit__path"


class CertificateQuerySet(ScopedQuerySet):
    """Certificates concern two units: the issuing one and the holder's."""

    def visible_to(self, user: AnyUser, roles: Iterable[str] | None = None) -> Self:
        """Seen by officers of the issuing unit's subtree and of the holder's unit's subtree."""
        return self.filter(
            scope_q(user, "unit__path", roles) | scope_q(user, "member__unit__path", roles)
        )

    def in_subtree(self, unit: Unit) -> Self:
        """Certificates issued in ``unit``'s subtree or held by one of its members."""
        return self.filter(
            prefix_q(unit.path, "unit__path") | prefix_q(unit.path, "member__unit__path")
        )
