"""Fixtures of the notification centre's tests: a kind of their own, sending inline, every
HTTP call answered by a mock transport (nothing reaches the network)."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils.translation import gettext_lazy as _

from congdoan.notifications import kinds
from congdoan.notifications.adapters import base, console
from congdoan.notifications.choices import Channel

KIND = "tests.assigned"
PHONES = {}


def phone_lookup(user):
    """``NOTIFICATION_PHONE_LOOKUP`` of the tests: ``PHONES[username]``."""
    return PHONES.get(user.username, "")


@pytest.fixture(autouse=True)
def test_kind():
    kinds.register(
        KIND,
        label=_("A document assigned to me"),
        default_channels=[Channel.EMAIL],
    )
    yield kinds.get(KIND)
    kinds.unregister(KIND)


@pytest.fixture(autouse=True)
def notification_settings(settings):
    settings.NOTIFICATION_SEND_INLINE = True
    settings.NOTIFICATION_RETRY_SECONDS = 0
    settings.NOTIFICATION_PHONE_LOOKUP = "tests.notifications.conftest.phone_lookup"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PUBLIC_BASE_URL = "https://congdoan.example.vn"
    PHONES.clear()
    console.outbox.clear()
    return settings


class Gateway:
    """A mock transport that records requests and answers with ``answers`` in turn (the last
    one again once they run out)."""

    def __init__(self):
        self.requests: list[httpx.Request] = []
        self.answers: list[httpx.Response] = [httpx.Response(200, json={"id": "m-1"})]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def json(self, i: int = -1):
        return json.loads(self.requests[i].content)


@pytest.fixture
def gateway(monkeypatch):
    mock = Gateway()
    monkeypatch.setattr(base, "transport", lambda: httpx.MockTransport(mock))
    return mock


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def browser_keys() -> dict[str, str]:
    """The keys a browser's PushSubscription carries: its P-256 public key and an auth secret."""
    key = ec.generate_private_key(ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"p256dh": b64(point), "auth": b64(b"0123456789abcdef")}


@pytest.fixture
def vapid(settings):
    """A VAPID key pair for the server, as py-vapid reads it (raw private key, base64url)."""
    key = ec.generate_private_key(ec.SECP256R1())
    raw = key.private_numbers().private_value.to_bytes(32, "big")
    settings.WEBPUSH_VAPID_PRIVATE_KEY = b64(raw)
    settings.WEBPUSH_VAPID_PUBLIC_KEY = b64(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    return settings
