"""The main menu, assembled from each app's ``nav.py``.

An app declares ``ITEMS = [NavItem(...)]`` in its ``nav.py``; the menu shows an item only
to users holding one of its roles (``roles=None`` means every logged-in user). The base
template never names a domain app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import NoReverseMatch, reverse

from .discovery import app_modules


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] | None = None
    order: int = 100
    icon: str = ""
    kwargs: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def url(self) -> str:
        try:
            return reverse(self.url_name, kwargs=self.kwargs or None)
        except NoReverseMatch:
            return ""


@lru_cache(maxsize=1)
def all_items() -> tuple[NavItem, ...]:
    items: list[NavItem] = []
    for _config, module in app_modules("nav"):
        items.extend(getattr(module, "ITEMS", []))
    return tuple(sorted(items, key=lambda item: item.order))


def items_for(user: AbstractBaseUser | AnonymousUser, roles_held: set[str]) -> list[NavItem]:
    """The menu items ``user`` may open, given the roles they hold."""
    if not user.is_authenticated:
        return []
    return [
        item for item in all_items() if (item.roles is None or item.roles & roles_held) and item.url
    ]
