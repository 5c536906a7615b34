"""The kinds of notification, declared by the apps that send them.

Each app registers its kinds in ``<app>/notifications.py``, imported at start-up::

    from django.utils.translation import gettext_lazy as _

    from congdoan.notifications import kinds
    from congdoan.notifications.choices import Channel

    kinds.register(
        "documents.assigned",
        label=_("A document assigned to me"),
        default_channels=[Channel.EMAIL, Channel.PUSH],
    )

A kind's code is ``<app label>.<what>``. Its default channels are what a user gets until they
change their preferences; ``allowed_channels`` limits what they may turn on (an activation
code is never pushed to a browser that is not logged in yet, say). The in-app notification
is always kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

from congdoan.common.discovery import app_modules

from .choices import SENT_CHANNELS, Channel


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    default_channels: frozenset[str]
    allowed_channels: frozenset[str]
    description: str | Promise = ""

    def default_for(self, channel: str) -> bool:
        return channel in self.default_channels


_KINDS: dict[str, Kind] = {}


def register(
    code: str,
    *,
    label: str | Promise,
    default_channels: Iterable[str] = (),
    allowed_channels: Iterable[str] | None = None,
    description: str | Promise = "",
) -> Kind:
    """Declare a kind (again with the same code: replaced, so a reload is harmless)."""
    if "." not in code:
        raise ValueError(f"a kind's code is '<app>.<what>', not {code!r}")
    allowed = frozenset(SENT_CHANNELS if allowed_channels is None else allowed_channels)
    defaults = frozenset(default_channels) - {Channel.IN_APP}
    unknown = (allowed | defaults) - set(SENT_CHANNELS)
    if unknown:
        raise ValueError(f"unknown channels for {code}: {sorted(unknown)}")
    if not defaults <= allowed:
        raise ValueError(f"{code}: default channels must be allowed channels")
    kind = Kind(code, label, defaults, allowed, description)
    _KINDS[code] = kind
    return kind


def get(code: str) -> Kind:
    """The kind registered as ``code``; ``LookupError`` for one never declared (a bug)."""
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"notification kind {code!r} is not registered") from None


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.code)


def unregister(code: str) -> None:
    """For tests that declare a kind of their own."""
    _KINDS.pop(code, None)


def discover() -> None:
    for _config, _module in app_modules("notifications"):
        pass  # importing the module registers its kinds
