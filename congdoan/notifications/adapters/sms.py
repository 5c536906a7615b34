"""SMS through a generic HTTP gateway (the Vietnamese brandname SMS providers all take a
POST of this shape, or sit behind a small relay that does).

``SMS_GATEWAY_URL`` receives ``POST {"to": "+84…", "from": SMS_SENDER, "text": "…"}`` with
``Authorization: Bearer SMS_GATEWAY_TOKEN``; any 2xx is accepted (the reference is the
answer's ``id`` or ``message_id`` when it has one). Brandname SMS is cheapest and most
reliable without diacritics, so the text is folded to ASCII unless ``SMS_UNICODE``.
"""

from __future__ import annotations

import unicodedata

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from .base import Message, NotDeliverable, TemporaryFailure, failure_for_status, http_client


class SmsGatewayAdapter:
    def send(self, message: Message) -> str:
        if not settings.SMS_GATEWAY_URL:
            raise NotDeliverable(_("The SMS gateway is not set up on this server."))
        if not message.phone:
            raise NotDeliverable(_("No phone number is known for the user."))
        text = message.text() if settings.SMS_UNICODE else without_diacritics(message.text())
        headers = {}
        if settings.SMS_GATEWAY_TOKEN:
            headers["Authorization"] = f"Bearer {settings.SMS_GATEWAY_TOKEN}"
        body = {"to": message.phone, "from": settings.SMS_SENDER, "text": text}
        try:
            with http_client(settings.NOTIFICATION_HTTP_TIMEOUT) as client:
                response = client.post(settings.SMS_GATEWAY_URL, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise TemporaryFailure(f"SMS gateway: {type(exc).__name__}: {exc}") from exc
        if not response.is_success:
            raise failure_for_status(response, "SMS gateway")
        try:
            answer = response.json()
        except ValueError:
            return ""
        if isinstance(answer, dict):
            return str(answer.get("id") or answer.get("message_id") or "")[:200]
        return ""


def without_diacritics(text: str) -> str:
    """``"Thông báo Đại hội"`` → ``"Thong bao Dai hoi"``: case, spaces and line breaks kept
    (``common.text.fold`` is a search key: lower case, one line)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
