"""``/api/v1/notifications``: the caller's own notifications, marking them read, and the
browser's push subscription."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from congdoan.common.api_schemas import Page, responses

from . import queries, services
from .models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    data: dict[str, Any]
    created_at: datetime
    read_at: datetime | None
    read: bool

    @staticmethod
    def resolve_read(obj: Notification) -> bool:
        return obj.read_at is not None


class UnreadOut(Schema):
    unread: int


class ReadAllOut(Schema):
    marked_read: int


class PushKeys(Schema):
    p256dh: str
    auth: str


class PushSubscriptionIn(Schema):
    """What the browser's ``PushSubscription.toJSON()`` gives."""

    endpoint: str
    keys: PushKeys


class PushEndpointIn(Schema):
    endpoint: str


class PushSubscriptionOut(Schema):
    id: int
    endpoint: str
    created_at: datetime


@router.get("", response=responses({200: list[NotificationOut]}, 400, 401, 403, 422))
@paginate(Page)
def list_notifications(request: HttpRequest, unread: bool = False) -> QuerySet[Notification]:
    """The caller's notifications, newest first; ``unread=true`` for the unread ones only."""
    return queries.notifications_for(request.user, unread=unread)


@router.get("/unread-count", response=responses({200: UnreadOut}, 401, 403))
def unread_count(request: HttpRequest) -> dict[str, int]:
    return {"unread": queries.unread_count(request.user)}


@router.post("/read-all", response=responses({200: ReadAllOut}, 401, 403))
def read_all(request: HttpRequest) -> dict[str, int]:
    return {"marked_read": services.mark_all_read(request.user)}


@router.post(
    "/{notification_id}/read", response=responses({200: NotificationOut}, 401, 403, 404, 422)
)
def read(request: HttpRequest, notification_id: int) -> Notification:
    """Mark one of the caller's notifications read (404 for anyone else's)."""
    return services.mark_read(request.user, notification_id)


@router.post(
    "/push-subscriptions",
    response=responses({201: PushSubscriptionOut}, 400, 401, 403, 413, 422),
)
def subscribe(request: HttpRequest, payload: PushSubscriptionIn) -> tuple[int, Any]:
    """Keep this browser's Web Push subscription for the caller."""
    subscription = services.subscribe_push(
        request.user,
        payload.endpoint,
        payload.keys.p256dh,
        payload.keys.auth,
        request.headers.get("User-Agent", ""),
    )
    return 201, subscription


@router.post("/push-subscriptions/remove", response=responses({204: None}, 400, 401, 403, 413, 422))
def unsubscribe(request: HttpRequest, payload: PushEndpointIn) -> tuple[int, None]:
    services.unsubscribe_push(request.user, payload.endpoint)
    return 204, None
