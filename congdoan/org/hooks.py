"""Explicit extension points of the tree services and of the home page.

``org`` knows no domain app; an app that keeps records on units registers here (in its
``AppConfig.ready``) what must happen when units merge and what makes a unit non-empty. The
services call these in their own transaction, so a merge moves the members with the units.

``waiting_counters`` feed the officer's home page ("what waits for me"): each app counts, in
its own ``queries``, what waits for the user there (documents to sign, transfer requests to
decide …) and returns ``Waiting`` items; zero counts are left out by the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Waiting:
    """One kind of thing waiting for a user: "3 transfer requests to decide", and where."""

    label: str  # translated, e.g. "Transfer requests to decide"
    count: int
    url: str  # the page that lists them
    icon: str = ""  # a Bootstrap icon name
    urgent: bool = False  # overdue or due today: shown first, in red


# fn(actor, source_unit, target_unit) -> None
merge_handlers: list[Callable] = []
# fn(unit) -> str | None: a reason the unit cannot be dissolved, or None
emptiness_checks: list[Callable] = []
# fn(unit) -> dict[str, int]: extra counts shown on a unit's page, e.g. {"members": 120}
unit_counters: list[Callable] = []
# fn(user) -> Iterable[Waiting]: what waits for the user in the app (the home page)
waiting_counters: list[Callable] = []


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


def register_waiting_counter(fn: Callable) -> Callable:
    if fn not in waiting_counters:
        waiting_counters.append(fn)
    return fn
