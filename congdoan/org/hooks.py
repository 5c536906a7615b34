"""Explicit extension points of the tree services.

``org`` knows no domain app; an app that keeps records on units registers here (in its
``AppConfig.ready``) what must happen when units merge and what makes a unit non-empty. The
services call these in their own transaction, so a merge moves the members with the units.
"""

from __future__ import annotations

from collections.abc import Callable

# fn(actor, source_unit, target_unit) -> None
merge_handlers: list[Callable] = []
# fn(unit) -> str | None: a reason the unit cannot be dissolved, or None
emptiness_checks: list[Callable] = []
# fn(unit) -> dict[str, int]: extra counts shown on a unit's page, e.g. {"members": 120}
unit_counters: list[Callable] = []


def register_merge_handler(fn: Callable) -> Callable:
    if fn not in merge_handlers:
        merge_handlers.append(fn)
    return fn


def register_emptiness_check(fn: Callable) -> Callable:
    if fn not in emptiness_checks:
        emptiness_checks.append(fn)
    return fn


def register_unit_counter(fn: Callable) -> Callable:
    if fn not in unit_counters:
        unit_counters.append(fn)
    return fn
