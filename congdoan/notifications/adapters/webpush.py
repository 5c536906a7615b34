"""Web Push (pywebpush) to every browser the user subscribed, over our httpx client.

pywebpush encrypts the payload and signs the VAPID claims; the POST itself goes through an
httpx client handed to it as its "requests session", so tests give it a mock transport. A
subscription the push service says is gone (404, 410) is deleted.
"""

from __future__ import annotations

import json

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from pywebpush import WebPushException, webpush

from ..models import PushSubscription
from .base import Message, NotDeliverable, PermanentFailure, TemporaryFailure, http_client

GONE = {404, 410}
# How long a push service keeps a message for a browser that is offline.
TTL_SECONDS = 24 * 3600


class _Session:
    """What pywebpush calls as a ``requests.Session``: ``post(url, data=, headers=, timeout=)``."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def post(self, url: str, data=None, headers=None, timeout=None) -> httpx.Response:
        response = self.client.post(url, content=data, headers=dict(headers or {}))
        response.reason = response.reason_phrase  # pywebpush's error message reads it
        return response


class WebPushAdapter:
    def send(self, message: Message) -> str:
        private_key = settings.WEBPUSH_VAPID_PRIVATE_KEY
        if not private_key:
            raise NotDeliverable(_("Browser notifications are not set up on this server."))
        subscriptions = list(PushSubscription.objects.filter(user_id=message.user_id))
        if not subscriptions:
            raise NotDeliverable(_("No browser of the user accepts notifications."))
        payload = json.dumps(
            {"title": message.title, "body": message.body, "url": message.url},
            ensure_ascii=False,
        )
        sent, temporary, permanent = 0, [], []
        with http_client(settings.NOTIFICATION_HTTP_TIMEOUT) as client:
            for subscription in subscriptions:
                try:
                    webpush(
                        subscription.as_info(),
                        data=payload,
                        vapid_private_key=private_key,
                        vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT},
                        ttl=TTL_SECONDS,
                        requests_session=_Session(client),
                    )
                except WebPushException as exc:
                    status = exc.status_code
                    if status in GONE:
                        subscription.delete()
                    elif status is None or status == 429 or status >= 500:
                        temporary.append(f"{status}: {exc.message}"[:300])
                    else:
                        permanent.append(f"{status}: {exc.message}"[:300])
                except httpx.HTTPError as exc:
                    temporary.append(f"{type(exc).__name__}: {exc}"[:300])
                else:
                    sent += 1
                    PushSubscription.objects.filter(pk=subscription.pk).update(
                        last_used_at=timezone.now()
                    )
        # One browser reached is the message delivered: retrying would show it twice there.
        if sent:
            return f"{sent}/{len(subscriptions)}"
        if temporary:
            raise TemporaryFailure("; ".join(temporary))
        if permanent:
            raise PermanentFailure("; ".join(permanent))
        raise NotDeliverable(_("No browser of the user accepts notifications."))
