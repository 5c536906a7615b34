"""Who sees which skills records.

Operational records (sessions, enrolments, skill records, certificates) follow the usual
rule: the unit's subtree, through :func:`congdoan.org.scoping.scope_q`. Catalogue items
(courses, question banks, assessments, skill definitions, campaigns) are also visible to the
units *below* their owner: a course the federation publishes can be run by every grassroots
union, while a course of one zone stays invisible to its sibling ward.
"""

from __future__ import annotations

from django.db.models import Q

from congdoan.org.models import Unit
from congdoan.org.scoping import scope_paths


def ancestor_paths(path: str) -> list[str]:
    """Paths of the strict ancestors of the unit at ``path``."""
    return [path[:i] for i in range(Unit.steplen, len(path), Unit.steplen)]


def catalogue_q(user, path_field: str = "unit__path", roles=None) -> Q:
    """Rows owned by a unit in the user's subtree or by one of its ancestors."""
    paths = scope_paths(user, roles)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    q = Q()
    above: set[str] = set()
    for path in paths:
        q |= Q(**{f"{path_field}__startswith": path})
        above.update(ancestor_paths(path))
    if above:
        q |= Q(**{f"{path_field}__in": sorted(above)})
    return q


def units_above_or_at(unit: Unit) -> list[str]:
    """Paths of ``unit`` and all its ancestors: whose definitions and catalogue apply to it."""
    return [*ancestor_paths(unit.path), unit.path]
