"""Materialised-path prefixes as index-friendly filters, on every database.

A subtree is every row whose path starts with the unit's path. PostgreSQL answers
``LIKE 'prefix%'`` from the ``varchar_pattern_ops`` index Django adds to the path column;
SQLite's LIKE is case-insensitive and never uses an index, so there the same set is asked
as a range, ``prefix <= path < prefix + U+007F`` — paths hold only digits and capital
letters, all below U+007F, and SQLite compares them bytewise.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

_PAST_ALL_STEPS = "\x7f"


def prefix_q(prefix: str, field: str = "path") -> Q:
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + _PAST_ALL_STEPS})
    return Q(**{f"{field}__startswith": prefix})


# treebeard's materialised path: every level adds STEPLEN characters (Unit.steplen).
STEPLEN = 4


def ancestor_paths(path: str, *, include_self: bool = False) -> list[str]:
    """Paths of the units above the one at ``path``, top first; its own last with
    ``include_self``. Paths only: no query."""
    end = len(path) + (STEPLEN if include_self else 0)
    return [path[:i] for i in range(STEPLEN, end, STEPLEN)]


def root_path(path: str) -> str:
    """The path of the tree's top unit (the province's federation) above ``path``."""
    return path[:STEPLEN]


def parent_path(path: str) -> str:
    """The path of the unit directly above ``path`` ("" for a root)."""
    return path[:-STEPLEN]


def is_within(path: str, ancestor: str) -> bool:
    """True when ``path`` is ``ancestor`` or lies below it."""
    return path.startswith(ancestor)
