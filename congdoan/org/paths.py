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
