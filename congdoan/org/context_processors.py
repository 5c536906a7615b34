"""Template context: the menu the user's roles allow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from congdoan.common.navigation import items_for

from .scoping import roles_held


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "holds_role": False}
    roles = roles_held(user)
    items = items_for(user, roles)
    # The active item is the one whose address is the longest prefix of this page's path
    # (/skills/me/ belongs to "My skills", not to "Digital skills" at /skills/).
    matching = [item.url for item in items if item.url != "/" and request.path.startswith(item.url)]
    return {
        "nav_items": items,
        "nav_active_url": max(matching, key=len, default=""),
        # A worker (no role anywhere) is shown only what is theirs: no officer tools.
        "holds_role": bool(roles),
    }
