"""Sending deliveries in the background, each attempt recorded, failures retried a bounded
number of times.

``start`` runs once the notifications are committed: on a Celery worker when Redis is set up
(a failure is tried again by a task counting down), otherwise in a thread of this process,
which sleeps between tries (the embedded default, as member imports do). Celery beat also
picks up, every minute, deliveries whose time to try again has come and those left "sending"
by a worker that died (``retry_due``); without Celery, ``congdoan send-notifications`` does
the same from cron.

A delivery is claimed by a compare-and-swap on its status, so two workers never send it
twice.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable, Iterable

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections
from django.db.models import F, Min, Q
from django.utils import timezone, translation

from .adapters import adapter_for
from .adapters.base import Message, NotDeliverable, PermanentFailure, TemporaryFailure
from .choices import Channel, DeliveryStatus
from .contacts import phone_of
from .models import Delivery

logger = logging.getLogger(__name__)

# A delivery "sending" for this long has lost its worker.
STUCK_AFTER = datetime.timedelta(minutes=10)


def start(delivery_ids: list[int]) -> None:
    """Send ``delivery_ids`` away from the request (call it once they are committed)."""
    if not delivery_ids:
        return
    if settings.NOTIFICATION_SEND_INLINE:  # tests, and scripts that want to wait
        send(delivery_ids)
        return
    if settings.REDIS_URL:
        send_task.delay(list(delivery_ids))
        return

    def target() -> None:
        close_old_connections()
        try:
            send(delivery_ids)
        finally:
            close_old_connections()

    threading.Thread(target=target, daemon=True, name="notifications").start()


def send(delivery_ids: Iterable[int], sleep: Callable[[float], None] = time.sleep) -> None:
    """Try each delivery until it is sent or out of tries, waiting for the next one due."""
    pending = list(delivery_ids)
    while pending:
        pending = [pk for pk in pending if deliver(pk)]
        wait = seconds_until_due(pending)
        if wait is None:
            return
        sleep(wait)


def seconds_until_due(delivery_ids: list[int]) -> float | None:
    """How long until the first of ``delivery_ids`` still waiting may be tried; None if none waits."""
    if not delivery_ids:
        return None
    due = Delivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.PENDING).aggregate(
        due=Min("next_attempt_at")
    )["due"]
    if due is None:
        return None
    return max(0.0, (due - timezone.now()).total_seconds())


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS * 2 ** (attempts - 1))


def deliver(delivery_id: int) -> bool:
    """One attempt at one delivery, if it is due; whether it still waits for a try."""
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=now)
    )
    if not claimed:  # sent, given up, taken by another worker, or not yet due
        return Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).exists()
    delivery = Delivery.objects.select_related("notification__user").get(pk=delivery_id)
    # Errors recorded for the administrators, in the platform's language.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            reference = adapter_for(delivery.channel).send(message_for(delivery))
        except NotDeliverable as exc:
            return _finish(delivery, DeliveryStatus.SKIPPED, str(exc))
        except PermanentFailure as exc:
            return _finish(delivery, DeliveryStatus.FAILED, str(exc))
        except Exception as exc:
            if not isinstance(exc, TemporaryFailure):
                logger.exception("notification delivery %s failed", delivery_id)
            error = str(exc) or type(exc).__name__
            if delivery.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                return _finish(delivery, DeliveryStatus.FAILED, error)
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.PENDING,
                error=error[:2000],
                next_attempt_at=timezone.now() + backoff(delivery.attempts),
            )
            return True
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT,
        error="",
        provider_ref=(reference or "")[:200],
        sent_at=timezone.now(),
        next_attempt_at=None,
    )
    return False


def _finish(delivery: Delivery, status: str, error: str) -> bool:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, error=error[:2000], next_attempt_at=None
    )
    return False


def message_for(delivery: Delivery) -> Message:
    notification = delivery.notification
    user = notification.user
    url = notification.url
    if url.startswith("/"):
        url = settings.PUBLIC_BASE_URL + url
    needs_phone = delivery.channel in (Channel.SMS, Channel.ZALO)
    return Message(
        delivery_id=delivery.pk,
        channel=delivery.channel,
        user_id=user.pk,
        kind=notification.kind,
        title=notification.title,
        body=notification.body,
        url=url,
        data=notification.data or {},
        email=user.email or "",
        phone=phone_of(user) if needs_phone else "",
    )


def due_deliveries(now: datetime.datetime | None = None) -> list[int]:
    """Deliveries waiting for another try whose time has come, those never tried for a while
    and those whose worker died while sending them (put back to waiting)."""
    now = now or timezone.now()
    Delivery.objects.filter(
        status=DeliveryStatus.SENDING, last_attempt_at__lt=now - STUCK_AFTER
    ).update(status=DeliveryStatus.PENDING, next_attempt_at=now)
    waiting = Q(next_attempt_at__lte=now) | Q(
        # never tried: the thread that was to send it died with its process
        next_attempt_at__isnull=True,
        created_at__lt=now - STUCK_AFTER,
    )
    return list(
        Delivery.objects.filter(waiting, status=DeliveryStatus.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )


@shared_task(name="notifications.send")
def send_task(delivery_ids: list[int]) -> None:
    again = [pk for pk in delivery_ids if deliver(pk)]
    wait = seconds_until_due(again)
    if wait is not None:
        send_task.apply_async((again,), countdown=wait)


@shared_task(name="notifications.retry_due")
def retry_due_task() -> None:
    for pk in due_deliveries():
        deliver(pk)
