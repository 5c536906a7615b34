"""The operations of the notification centre: notify, mark read, preferences, push
subscriptions. Any app notifies through ``notify``; every other write here is the user's own."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congdoan.accounts.models import User
from congdoan.common.errors import visible_or_404

from . import kinds, sending
from .models import Delivery, Notification, Preference, PushSubscription


def notify(
    users: User | Iterable[User],
    kind: str,
    title: Any,
    body: Any = "",
    url: str | None = None,
    data: Mapping[str, Any] | None = None,
    *,
    channels: Iterable[str] | None = None,
) -> list[Notification]:
    """Tell ``users`` something: an in-app notification each, sent on the channels their
    preferences for ``kind`` choose (or on ``channels``, for a message the user cannot have
    chosen for yet, such as an activation code) once the caller's transaction commits.

    ``title`` and ``body`` may be lazy translations: they are kept as text in the platform's
    language (Vietnamese). ``url`` is the page the notification opens (a path on this site).
    ``data`` is JSON for API clients and for the Zalo template's parameters. A kind never
    registered is a ``LookupError``: a bug of the caller's, not the user's.
    """
    declared = kinds.get(kind)
    recipients = list({user.pk: user for user in _as_list(users)}.values())
    if not recipients:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        title_text = " ".join(str(title).split())[:200]
        body_text = str(body or "")
    # Dates and decimals as JSON writes them; anything else refused here, not in the worker.
    payload = json.loads(json.dumps(dict(data or {}), cls=DjangoJSONEncoder))
    now = timezone.now()
    forced = None if channels is None else set(channels) & declared.allowed_channels
    with transaction.atomic():
        notifications = Notification.objects.bulk_create(
            Notification(
                user=user,
                kind=kind,
                title=title_text,
                body=body_text,
                url=url or "",
                data=payload,
                created_at=now,
            )
            for user in recipients
        )
        chosen = channels_for(recipients, declared) if forced is None else {}
        deliveries = Delivery.objects.bulk_create(
            Delivery(notification=notification, channel=channel, created_at=now)
            for notification, user in zip(notifications, recipients, strict=True)
            if user.is_active
            for channel in sorted(forced if forced is not None else chosen[user.pk])
        )
        ids = [delivery.pk for delivery in deliveries]
        if ids:
            transaction.on_commit(lambda: sending.start(ids))
    return notifications


def _as_list(users: User | Iterable[User]) -> list[User]:
    if isinstance(users, User):
        return [users]
    return list(users)


def channels_for(users: list[User], kind: kinds.Kind) -> dict[int, set[str]]:
    """The channels each user gets ``kind`` on: their preferences, the kind's defaults where
    they made none, and never a channel the kind does not allow."""
    chosen = {
        (user_id, channel): enabled
        for user_id, channel, enabled in Preference.objects.filter(
            user__in=[user.pk for user in users], kind=kind.code
        ).values_list("user_id", "channel", "enabled")
    }
    return {
        user.pk: {
            channel
            for channel in kind.allowed_channels
            if chosen.get((user.pk, channel), kind.default_for(channel))
        }
        for user in users
    }


def mark_read(user: User, notification_id: int) -> Notification:
    """The user's own notification, marked read (a 404 for anyone else's)."""
    notification = visible_or_404(Notification.objects.of(user), pk=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(user: User) -> int:
    """Every unread notification of the user's marked read; how many."""
    return Notification.objects.of(user).unread().update(read_at=timezone.now())


def set_preferences(user: User, enabled: Iterable[tuple[str, str]]) -> None:
    """The user's choices, as the set of ``(kind, channel)`` they want: a row is kept only
    where it differs from the kind's default, so a default changed later still reaches the
    choices the user never touched."""
    wanted = set(enabled)
    rows = [
        Preference(
            user=user, kind=kind.code, channel=channel, enabled=(kind.code, channel) in wanted
        )
        for kind in kinds.all_kinds()
        for channel in kind.allowed_channels
        if ((kind.code, channel) in wanted) != kind.default_for(channel)
    ]
    with transaction.atomic():
        Preference.objects.filter(user=user).delete()
        Preference.objects.bulk_create(rows)


_https = URLValidator(schemes=["https"])


def subscribe_push(
    user: User, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Keep the browser's push subscription for ``user`` (a browser subscribed before by
    someone else who logged out there now notifies this user)."""
    errors = {}
    try:
        _https(endpoint)
    except ValidationError:
        errors["endpoint"] = _("A push endpoint is an https address.")
    if not p256dh or not auth:
        errors["keys"] = _("The subscription's keys are missing.")
    if errors:
        raise ValidationError(errors)
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": user,
            "p256dh": p256dh[:200],
            "auth": auth[:100],
            "user_agent": user_agent[:300],
        },
    )
    return subscription


def unsubscribe_push(user: User, endpoint: str) -> bool:
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return bool(deleted)


def send_test(user: User) -> list[Notification]:
    """A test notification to oneself, on every channel the user has chosen for it."""
    return notify(
        user,
        "notifications.test",
        gettext_lazy("Test notification"),
        gettext_lazy("If you read this, notifications reach you here."),
        url="/notifications/",
    )
