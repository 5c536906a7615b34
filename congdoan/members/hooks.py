"""Extension point for apps that keep records on members (skills, finance…).

``fn(actor, duplicate, keep)`` is called inside ``services.merge_duplicates`` after the
duplicate record was folded into ``keep``: move your rows from ``duplicate`` to ``keep``.
"""

from __future__ import annotations

from collections.abc import Callable

member_merge_handlers: list[Callable] = []


def register_member_merge_handler(fn: Callable) -> Callable:
    if fn not in member_merge_handlers:
        member_merge_handlers.append(fn)
    return fn
