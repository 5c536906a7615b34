"""Reading notifications: always the user's own (``Notification.objects.of``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from congdoan.accounts.models import AnyUser

from . import kinds
from .choices import SENT_CHANNELS, Channel
from .models import Notification, Preference


def notifications_for(user: AnyUser, *, unread: bool = False) -> QuerySet[Notification]:
    found = Notification.objects.of(user)
    return found.unread() if unread else found


def unread_count(user: AnyUser) -> int:
    return Notification.objects.of(user).unread().count()


@dataclass(frozen=True)
class Choice:
    kind: str
    channel: str
    allowed: bool
    enabled: bool

    @property
    def label(self) -> str:
        return Channel(self.channel).label

    @property
    def field(self) -> str:
        return f"{self.kind}:{self.channel}"


@dataclass(frozen=True)
class KindRow:
    kind: kinds.Kind
    choices: list[Choice]


def preference_rows(user: AnyUser) -> list[KindRow]:
    """Every kind with, per channel, whether the user gets it (their choice or the default)."""
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in Preference.objects.filter(user=user).values_list(
            "kind", "channel", "enabled"
        )
    }
    return [
        KindRow(
            kind,
            [
                Choice(
                    kind.code,
                    channel,
                    channel in kind.allowed_channels,
                    channel in kind.allowed_channels
                    and chosen.get((kind.code, channel), kind.default_for(channel)),
                )
                for channel in SENT_CHANNELS
            ],
        )
        for kind in kinds.all_kinds()
    ]
