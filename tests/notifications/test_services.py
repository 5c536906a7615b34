"""notify: the in-app row, the channels from preferences and defaults, sending on commit;
marking read; preferences; kinds."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils.translation import gettext_lazy

from congdoan.common.errors import OutOfScope
from congdoan.notifications import kinds, services
from congdoan.notifications.adapters import console
from congdoan.notifications.choices import Channel, DeliveryStatus
from congdoan.notifications.models import Delivery, Notification, Preference
from tests.conftest import make_user

from .conftest import KIND, PHONES


@pytest.fixture
def worker(db):
    return make_user("worker1", full_name="Lê Thị Mai")


@pytest.fixture
def other(db):
    return make_user("worker2")


def test_notify_keeps_an_in_app_row_and_sends_on_the_default_channels(
    worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = services.notify(
            worker,
            KIND,
            "Văn bản mới cần xử lý",
            "Công văn số 12/CV-CĐ giao cho đồng chí.",
            url="/documents/12/",
            data={"document": 12, "due": datetime.date(2026, 12, 9)},
        )
    notification.refresh_from_db()
    assert notification.user == worker and notification.read_at is None
    assert notification.data == {"document": 12, "due": "2026-12-09"}
    delivery = Delivery.objects.get(notification=notification)
    assert delivery.channel == Channel.EMAIL
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    assert delivery.sent_at is not None
    [email] = mail.outbox
    assert email.to == ["worker1@example.org"]
    assert email.subject == "Văn bản mới cần xử lý"
    assert "https://congdoan.example.vn/documents/12/" in email.body


def test_nothing_is_sent_before_the_transaction_commits(worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(worker, KIND, "Tiêu đề")
    assert len(callbacks) == 1
    assert Delivery.objects.get().status == DeliveryStatus.PENDING
    assert mail.outbox == []


def test_lazy_texts_are_kept_in_vietnamese(worker, settings):
    from django.utils import translation

    with translation.override("en"):
        [n] = services.notify(worker, KIND, gettext_lazy("Notifications"), "")
    assert n.title == "Thông báo"


def test_many_users_at_once_each_once(worker, other, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        found = services.notify([worker, other, worker], KIND, "Họp công đoàn")
    assert sorted(n.user.username for n in found) == ["worker1", "worker2"]
    assert Notification.objects.count() == 2 and Delivery.objects.count() == 2


def test_preferences_override_the_kind_defaults(worker, other, django_capture_on_commit_callbacks):
    PHONES["worker1"] = "0912 345 678"
    services.set_preferences(worker, {(KIND, Channel.SMS), (KIND, Channel.PUSH)})
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([worker, other], KIND, "Nhắc lịch tập huấn")
    mine = dict(Delivery.objects.filter(notification__user=worker).values_list("channel", "status"))
    assert mine == {Channel.SMS: DeliveryStatus.SENT, Channel.PUSH: DeliveryStatus.SKIPPED}
    theirs = list(Delivery.objects.filter(notification__user=other).values_list("channel"))
    assert theirs == [(Channel.EMAIL,)]
    [sms] = console.outbox
    assert sms.phone == "+84912345678" and sms.title == "Nhắc lịch tập huấn"


def test_only_differences_from_the_defaults_are_stored(worker):
    services.set_preferences(worker, {(KIND, Channel.EMAIL), (KIND, Channel.ZALO)})
    mine = Preference.objects.filter(kind=KIND)
    assert list(mine.values_list("channel", "enabled")) == [(Channel.ZALO, True)]
    services.set_preferences(worker, set())
    assert set(mine.values_list("channel", "enabled")) == {(Channel.EMAIL, False)}


def test_channels_given_by_the_caller_win_but_stay_within_the_kind(worker, test_kind):
    kinds.register(
        "tests.code",
        label="code",
        default_channels=[Channel.EMAIL],
        allowed_channels=[Channel.EMAIL, Channel.SMS],
    )
    try:
        services.notify(worker, "tests.code", "Mã kích hoạt", channels=[Channel.SMS, Channel.PUSH])
    finally:
        kinds.unregister("tests.code")
    assert list(Delivery.objects.values_list("channel", flat=True)) == [Channel.SMS]


def test_an_inactive_account_gets_the_row_but_no_delivery(worker):
    worker.is_active = False
    worker.save()
    services.notify(worker, KIND, "x")
    assert Notification.objects.count() == 1 and not Delivery.objects.exists()


def test_an_unknown_kind_is_a_bug_of_the_caller(worker):
    with pytest.raises(LookupError):
        services.notify(worker, "documents.never_declared", "x")
    assert not Notification.objects.exists()


def test_data_must_be_json(worker):
    with pytest.raises(TypeError):
        services.notify(worker, KIND, "x", data={"user": worker})


@pytest.mark.parametrize(
    "code,options",
    [
        ("nodot", {}),
        ("tests.bad", {"default_channels": ["fax"]}),
        ("tests.bad", {"default_channels": ["sms"], "allowed_channels": ["email"]}),
    ],
)
def test_kinds_are_checked_when_declared(code, options):
    with pytest.raises(ValueError):
        kinds.register(code, label="x", **options)


def test_mark_read_only_ones_own(worker, other):
    [n] = services.notify(worker, KIND, "x")
    with pytest.raises(OutOfScope):
        services.mark_read(other, n.pk)
    assert services.mark_read(worker, n.pk).read_at is not None
    first = Notification.objects.get().read_at
    services.mark_read(worker, n.pk)  # again: the first time stays
    assert Notification.objects.get().read_at == first


def test_mark_all_read_touches_only_ones_own(worker, other):
    services.notify([worker, other], KIND, "a")
    services.notify(worker, KIND, "b")
    assert services.mark_all_read(worker) == 2
    assert Notification.objects.unread().get().user == other


def test_push_subscriptions(worker, other):
    sub = services.subscribe_push(worker, "https://push.example/abc", "key", "auth", "Firefox")
    # The same browser, now logged in as someone else: it notifies them.
    again = services.subscribe_push(other, "https://push.example/abc", "key2", "auth2")
    assert again.pk == sub.pk and again.user == other
    assert not services.unsubscribe_push(worker, "https://push.example/abc")
    assert services.unsubscribe_push(other, "https://push.example/abc")
    with pytest.raises(Exception) as refused:
        services.subscribe_push(worker, "http://plain.example/x", "", "")
    assert set(refused.value.message_dict) == {"endpoint", "keys"}
