"""Sending from a background job: each attempt recorded, failures retried a bounded number of
times, on a thread (the embedded default) or on Celery (when Redis is set up)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.utils import timezone

from congdoan.notifications import sending, services
from congdoan.notifications.adapters.base import PermanentFailure, TemporaryFailure
from congdoan.notifications.choices import Channel, DeliveryStatus
from congdoan.notifications.models import Delivery
from tests.conftest import make_user

from .conftest import KIND, PHONES


class Flaky:
    """An SMS adapter failing ``failures`` times (with ``error``), then sending."""

    failures = 0
    error: Exception = TemporaryFailure("gateway busy")
    calls = 0

    def send(self, message):
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise type(self).error
        return "ok-1"


@pytest.fixture
def flaky(settings):
    settings.NOTIFICATION_ADAPTERS = {
        **settings.NOTIFICATION_ADAPTERS,
        "sms": "tests.notifications.test_sending.Flaky",
    }
    Flaky.calls, Flaky.failures, Flaky.error = 0, 0, TemporaryFailure("gateway busy")
    return Flaky


@pytest.fixture
def sms_delivery(db):
    user = make_user("worker1")
    PHONES["worker1"] = "0912345678"
    [notification] = services.notify(user, KIND, "Nhắc lịch", channels=[Channel.SMS])
    return notification.deliveries.get()


def test_a_temporary_failure_is_tried_again(flaky, sms_delivery):
    flaky.failures = 2
    waits = []
    sending.send([sms_delivery.pk], sleep=waits.append)
    sms_delivery.refresh_from_db()
    assert sms_delivery.status == DeliveryStatus.SENT and sms_delivery.attempts == 3
    assert sms_delivery.provider_ref == "ok-1" and sms_delivery.error == ""
    assert len(waits) == 2


def test_retries_are_bounded(flaky, sms_delivery, settings):
    flaky.failures = 99
    sending.send([sms_delivery.pk], sleep=lambda s: None)
    sms_delivery.refresh_from_db()
    assert sms_delivery.status == DeliveryStatus.FAILED
    assert sms_delivery.attempts == settings.NOTIFICATION_MAX_ATTEMPTS == flaky.calls
    assert sms_delivery.error == "gateway busy"


def test_the_wait_doubles(flaky, sms_delivery, settings):
    settings.NOTIFICATION_RETRY_SECONDS = 60
    flaky.failures = 99
    assert sending.deliver(sms_delivery.pk) is True
    sms_delivery.refresh_from_db()
    first_wait = sms_delivery.next_attempt_at - sms_delivery.last_attempt_at
    assert datetime.timedelta(seconds=59) < first_wait < datetime.timedelta(seconds=61)
    assert sending.deliver(sms_delivery.pk) is True  # not due yet: still waits, not tried
    assert flaky.calls == 1
    Delivery.objects.filter(pk=sms_delivery.pk).update(next_attempt_at=timezone.now())
    sending.deliver(sms_delivery.pk)
    sms_delivery.refresh_from_db()
    second_wait = sms_delivery.next_attempt_at - sms_delivery.last_attempt_at
    assert datetime.timedelta(seconds=119) < second_wait < datetime.timedelta(seconds=121)


def test_a_permanent_failure_is_not_retried(flaky, sms_delivery):
    flaky.failures, flaky.error = 1, PermanentFailure("number blocked")
    sending.send([sms_delivery.pk], sleep=pytest.fail)
    sms_delivery.refresh_from_db()
    assert (sms_delivery.status, sms_delivery.attempts) == (DeliveryStatus.FAILED, 1)


def test_an_unexpected_error_is_logged_and_retried(flaky, sms_delivery, caplog):
    flaky.failures, flaky.error = 1, RuntimeError("bug")
    sending.send([sms_delivery.pk], sleep=lambda s: None)
    sms_delivery.refresh_from_db()
    assert (sms_delivery.status, sms_delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert "notification delivery" in caplog.text


def test_a_delivery_is_sent_once(flaky, sms_delivery):
    sending.deliver(sms_delivery.pk)
    sending.deliver(sms_delivery.pk)
    assert flaky.calls == 1


def test_due_and_stuck_deliveries_are_picked_up(flaky, sms_delivery):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    Delivery.objects.filter(pk=sms_delivery.pk).update(
        status=DeliveryStatus.SENDING, last_attempt_at=long_ago, attempts=1
    )
    assert sending.due_deliveries() == [sms_delivery.pk]
    sending.retry_due_task()
    sms_delivery.refresh_from_db()
    assert (sms_delivery.status, sms_delivery.attempts) == (DeliveryStatus.SENT, 2)


def test_on_celery_when_redis_is_set(settings, monkeypatch, sms_delivery):
    settings.NOTIFICATION_SEND_INLINE = False
    settings.REDIS_URL = "redis://localhost:6379/0"
    queued = []
    monkeypatch.setattr(sending.send_task, "delay", queued.append)
    sending.start([sms_delivery.pk])
    assert queued == [[sms_delivery.pk]]


def test_the_celery_task_counts_down_to_the_next_try(flaky, settings, monkeypatch, sms_delivery):
    settings.NOTIFICATION_RETRY_SECONDS = 30
    flaky.failures = 1
    later = []
    monkeypatch.setattr(
        sending.send_task, "apply_async", lambda args, countdown: later.append((args, countdown))
    )
    sending.send_task([sms_delivery.pk])
    [(args, countdown)] = later
    assert args == ([sms_delivery.pk],) and 29 < countdown <= 30


@pytest.mark.django_db(transaction=True)
def test_in_a_thread_by_default(settings, flaky, monkeypatch):
    """The embedded default: a thread of this process, started once the rows are committed."""
    settings.NOTIFICATION_SEND_INLINE = False
    settings.REDIS_URL = ""
    started = []
    real_thread = threading.Thread

    def thread(*args, **kwargs):
        started.append(real_thread(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(sending.threading, "Thread", thread)
    user = make_user("worker1")
    PHONES["worker1"] = "0912345678"
    [notification] = services.notify(user, KIND, "Nhắc lịch", channels=[Channel.SMS])
    [worker] = started
    worker.join(timeout=30)
    delivery = notification.deliveries.get()
    assert delivery.status == DeliveryStatus.SENT and flaky.calls == 1


def test_never_tried_deliveries_are_sent_from_cron(flaky, sms_delivery):
    from io import StringIO

    from django.core.management import call_command

    assert sending.due_deliveries() == []  # just made: its thread may still be coming
    Delivery.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    out = StringIO()
    call_command("send_notifications", stdout=out)
    assert out.getvalue().strip() == "1 deliveries tried"
    sms_delivery.refresh_from_db()
    assert sms_delivery.status == DeliveryStatus.SENT
