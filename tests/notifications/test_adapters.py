"""Each adapter against a mock transport: what it sends, and what each answer means."""

from __future__ import annotations

import httpx
import pytest
from django.core import mail

from congdoan.notifications.adapters import adapter_for, console
from congdoan.notifications.adapters.base import (
    Message,
    NotDeliverable,
    PermanentFailure,
    QuotaExceeded,
    TemporaryFailure,
)
from congdoan.notifications.adapters.email import EmailAdapter
from congdoan.notifications.adapters.sms import SmsGatewayAdapter, without_diacritics
from congdoan.notifications.adapters.webpush import WebPushAdapter
from congdoan.notifications.adapters.zalo import ZaloAdapter
from congdoan.notifications.models import PushSubscription, ZaloDailyUsage, ZaloTemplate
from tests.conftest import make_user

from .conftest import KIND, browser_keys


def message(**fields) -> Message:
    values = {
        "delivery_id": 7,
        "channel": "sms",
        "user_id": 1,
        "kind": KIND,
        "title": "Đại hội Công đoàn",
        "body": "Họp lúc 8 giờ, hội trường tầng 2.",
        "url": "https://congdoan.example.vn/meetings/3/",
        "data": {"code": "A1B2"},
        "email": "mai@example.org",
        "phone": "+84912345678",
    }
    return Message(**{**values, **fields})


def test_console_logs_and_keeps_the_message(caplog):
    caplog.set_level("INFO", logger="congdoan.notifications")
    assert console.ConsoleAdapter().send(message()) == "console"
    assert console.outbox[-1].title == "Đại hội Công đoàn"
    assert "+84912345678" in caplog.text


def test_the_settings_choose_each_channels_adapter(settings):
    assert isinstance(adapter_for("sms"), console.ConsoleAdapter)  # the default
    settings.NOTIFICATION_ADAPTERS = {**settings.NOTIFICATION_ADAPTERS, "sms": "sms"}
    assert isinstance(adapter_for("sms"), SmsGatewayAdapter)
    assert isinstance(adapter_for("email"), EmailAdapter)


def test_email(settings):
    EmailAdapter().send(message(title="Tiêu đề\ncó xuống dòng"))
    [sent] = mail.outbox
    assert sent.to == ["mai@example.org"] and sent.subject == "Tiêu đề có xuống dòng"
    assert "Họp lúc 8 giờ" in sent.body and "/meetings/3/" in sent.body
    with pytest.raises(NotDeliverable):
        EmailAdapter().send(message(email=""))


# --- SMS -----------------------------------------------------------------------------------------
@pytest.fixture
def sms_gateway(settings, gateway):
    settings.SMS_GATEWAY_URL = "https://sms.example.vn/api/send"
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    settings.SMS_SENDER = "CONGDOAN"
    return gateway


def test_sms_posts_to_the_gateway_without_diacritics(sms_gateway):
    assert SmsGatewayAdapter().send(message()) == "m-1"
    [request] = sms_gateway.requests
    assert str(request.url) == "https://sms.example.vn/api/send"
    assert request.headers["Authorization"] == "Bearer secret-token"
    assert sms_gateway.json() == {
        "to": "+84912345678",
        "from": "CONGDOAN",
        "text": "Dai hoi Cong doan\nHop luc 8 gio, hoi truong tang 2.\n"
        "https://congdoan.example.vn/meetings/3/",
    }


def test_sms_unicode_when_asked(sms_gateway, settings):
    settings.SMS_UNICODE = True
    SmsGatewayAdapter().send(message())
    assert sms_gateway.json()["text"].startswith("Đại hội Công đoàn")


def test_without_diacritics():
    assert without_diacritics("Đoàn Thị Ánh, quận Hải Châu") == "Doan Thi Anh, quan Hai Chau"


@pytest.mark.parametrize(
    "answer,failure",
    [
        (httpx.Response(503, text="busy"), TemporaryFailure),
        (httpx.Response(429), TemporaryFailure),
        (httpx.ConnectError("refused"), TemporaryFailure),
        (httpx.Response(400, json={"error": "invalid number"}), PermanentFailure),
    ],
)
def test_sms_failures(sms_gateway, answer, failure):
    sms_gateway.answers = [answer]
    with pytest.raises(failure) as raised:
        SmsGatewayAdapter().send(message())
    assert not isinstance(raised.value, NotDeliverable)


def test_sms_without_gateway_or_phone_is_not_sent(settings, gateway):
    settings.SMS_GATEWAY_URL = ""
    with pytest.raises(NotDeliverable):
        SmsGatewayAdapter().send(message())
    settings.SMS_GATEWAY_URL = "https://sms.example.vn/api/send"
    with pytest.raises(NotDeliverable):
        SmsGatewayAdapter().send(message(phone=""))
    assert gateway.requests == []


# --- Zalo ----------------------------------------------------------------------------------------
@pytest.fixture
def zalo(settings, gateway, db):
    settings.ZALO_OA_ACCESS_TOKEN = "oa-token"
    settings.ZALO_ZNS_URL = "https://zalo.example/message/template"
    gateway.answers = [httpx.Response(200, json={"error": 0, "data": {"msg_id": "z-9"}})]
    ZaloTemplate.objects.create(
        kind=KIND,
        template_id="231456",
        params={"tieu_de": "title", "ma": "data.code", "khac": "unknown"},
        daily_quota=2,
    )
    return gateway


def test_zalo_sends_the_kinds_template(zalo):
    assert ZaloAdapter().send(message(channel="zalo")) == "z-9"
    [request] = zalo.requests
    assert request.headers["access_token"] == "oa-token"
    assert zalo.json() == {
        "phone": "84912345678",
        "template_id": "231456",
        "template_data": {"tieu_de": "Đại hội Công đoàn", "ma": "A1B2", "khac": ""},
        "tracking_id": "7",
    }
    assert ZaloDailyUsage.objects.get().sent == 1


def test_zalo_daily_quota(zalo):
    adapter = ZaloAdapter()
    adapter.send(message())
    adapter.send(message())
    with pytest.raises(QuotaExceeded):
        adapter.send(message())
    assert len(zalo.requests) == 2  # the third never left
    assert ZaloDailyUsage.objects.get().sent == 2


def test_zalo_quota_of_zero_is_no_limit_of_ours(zalo):
    ZaloTemplate.objects.update(daily_quota=0)
    for _ in range(3):
        ZaloAdapter().send(message())
    assert not ZaloDailyUsage.objects.exists()


@pytest.mark.parametrize(
    "answer,failure",
    [
        (
            httpx.Response(200, json={"error": -124, "message": "Access token is invalid"}),
            PermanentFailure,
        ),
        (httpx.Response(502), TemporaryFailure),
        (httpx.ReadTimeout("slow"), TemporaryFailure),
        (httpx.Response(200, text="<html>"), TemporaryFailure),
    ],
)
def test_zalo_failures_give_the_quota_back(zalo, answer, failure):
    zalo.answers = [answer]
    with pytest.raises(failure):
        ZaloAdapter().send(message())
    assert ZaloDailyUsage.objects.get().sent == 0


def test_zalo_not_set_up(settings, zalo):
    with pytest.raises(NotDeliverable):
        ZaloAdapter().send(message(kind="tests.other"))  # no template for it
    ZaloTemplate.objects.update(active=False)
    with pytest.raises(NotDeliverable):
        ZaloAdapter().send(message())
    settings.ZALO_OA_ACCESS_TOKEN = ""
    with pytest.raises(NotDeliverable):
        ZaloAdapter().send(message())
    assert zalo.requests == []


# --- Web Push -----------------------------------------------------------------------------------
@pytest.fixture
def browser(db):
    user = make_user("pushed")
    keys = browser_keys()
    return PushSubscription.objects.create(
        user=user, endpoint="https://push.example/send/abc", **keys
    )


def test_webpush_encrypts_and_signs(vapid, gateway, browser):
    gateway.answers = [httpx.Response(201)]
    assert WebPushAdapter().send(message(user_id=browser.user_id)) == "1/1"
    [request] = gateway.requests
    assert str(request.url) == "https://push.example/send/abc"
    assert request.headers["content-encoding"] == "aes128gcm"
    assert request.headers["authorization"].startswith("vapid t=")
    assert b"Dai hoi" not in request.content and "Đại".encode() not in request.content
    browser.refresh_from_db()
    assert browser.last_used_at is not None


def test_webpush_forgets_a_browser_that_is_gone(vapid, gateway, browser):
    gateway.answers = [httpx.Response(410, text="Gone")]
    with pytest.raises(NotDeliverable):
        WebPushAdapter().send(message(user_id=browser.user_id))
    assert not PushSubscription.objects.exists()


def test_webpush_service_down_is_temporary(vapid, gateway, browser):
    gateway.answers = [httpx.Response(503)]
    with pytest.raises(TemporaryFailure):
        WebPushAdapter().send(message(user_id=browser.user_id))
    assert PushSubscription.objects.exists()


def test_webpush_not_set_up_or_no_browser(settings, gateway, browser, vapid):
    with pytest.raises(NotDeliverable):
        WebPushAdapter().send(message(user_id=browser.user_id + 1))
    settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
    with pytest.raises(NotDeliverable):
        WebPushAdapter().send(message(user_id=browser.user_id))
    assert gateway.requests == []


def test_the_key_pair_command_makes_keys_webpush_signs_with(settings, gateway, browser):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("webpush_keys", stdout=out)
    values = dict(line.split("=", 1) for line in out.getvalue().split())
    settings.WEBPUSH_VAPID_PUBLIC_KEY = values["WEBPUSH_VAPID_PUBLIC_KEY"]
    settings.WEBPUSH_VAPID_PRIVATE_KEY = values["WEBPUSH_VAPID_PRIVATE_KEY"]
    gateway.answers = [httpx.Response(201)]
    assert WebPushAdapter().send(message(user_id=browser.user_id)) == "1/1"
    assert values["WEBPUSH_VAPID_PUBLIC_KEY"] in gateway.requests[0].headers["authorization"]
