"""What every channel's adapter receives and may answer.

An adapter sends one ``Message`` and returns the provider's reference for it (its message
id, or ``""``). It says why it did not send by raising:

- ``NotDeliverable``: nothing to send to or with (no phone number, the gateway not set up,
  the day's quota used): the delivery is marked "not sent", never retried;
- ``PermanentFailure``: the provider refused this message: failed, never retried;
- ``TemporaryFailure`` (and any other error): failed this time, retried a bounded number of
  times (``NOTIFICATION_MAX_ATTEMPTS``).

HTTP adapters build their client with ``http_client``, so that tests hand every one of them
an ``httpx.MockTransport`` and nothing reaches the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import httpx


@dataclass(frozen=True)
class Message:
    delivery_id: int
    channel: str
    user_id: int
    kind: str
    title: str
    body: str
    url: str  # absolute, or "" when the notification links nowhere
    data: dict = field(default_factory=dict)
    email: str = ""
    phone: str = ""  # E.164 (+84…), or "" when none is known

    def text(self) -> str:
        """The plain text of the message: title, body and link, one per line."""
        return "\n".join(part for part in (self.title, self.body, self.url) if part)


class Adapter(Protocol):
    def send(self, message: Message) -> str: ...


class DeliveryError(Exception):
    retry = True


class TemporaryFailure(DeliveryError):
    pass


class PermanentFailure(DeliveryError):
    retry = False


class NotDeliverable(PermanentFailure):
    pass


class QuotaExceeded(NotDeliverable):
    pass


def transport() -> httpx.BaseTransport | None:
    """The transport of every adapter's HTTP client: httpx's own (None) outside tests."""
    return None


def http_client(timeout: float) -> httpx.Client:
    return httpx.Client(timeout=timeout, transport=transport(), follow_redirects=False)


def failure_for_status(response: httpx.Response, what: str) -> DeliveryError:
    """The failure an HTTP error answer means: the provider busy or down (429, 5xx) is worth
    another try; any other refusal is not."""
    excerpt = response.text[:300]
    message = f"{what}: HTTP {response.status_code} {excerpt}".strip()
    if response.status_code == 429 or response.status_code >= 500:
        return TemporaryFailure(message)
    return PermanentFailure(message)
