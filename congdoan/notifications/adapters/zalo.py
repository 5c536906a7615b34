"""Zalo Official Account: template messages (Zalo Notification Service) to a phone number.

Zalo has no maintained official Python client; this is a small one of our own on httpx.
The OA's access token comes from ``ZALO_OA_ACCESS_TOKEN``; which approved template carries a
kind, how its parameters are filled and how many the OA may send a day are data
(``ZaloTemplate``, edited in the admin). The quota is taken before the call, by one
conditional UPDATE (two workers never both take the last one), and given back when Zalo did
not accept the message.

The call: ``POST ZALO_ZNS_URL`` with header ``access_token`` and body ``{"phone": "84…",
"template_id", "template_data": {…}, "tracking_id"}``; Zalo answers ``{"error": 0, "data":
{"msg_id": …}}``, or a negative ``error`` with a ``message``.
"""

from __future__ import annotations

import httpx
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ZaloDailyUsage, ZaloTemplate
from .base import (
    Message,
    NotDeliverable,
    PermanentFailure,
    QuotaExceeded,
    TemporaryFailure,
    failure_for_status,
    http_client,
)


def template_data(template: ZaloTemplate, message: Message) -> dict[str, str]:
    """The template's parameters filled from the message (``title``, ``body``, ``url``,
    ``data.<key>``); a parameter naming nothing known is sent empty."""
    values = {"title": message.title, "body": message.body, "url": message.url}
    filled = {}
    for param, source in (template.params or {}).items():
        source = str(source)
        if source.startswith("data."):
            filled[param] = str(message.data.get(source[5:], ""))
        else:
            filled[param] = values.get(source, "")
    return filled


def take_quota(template: ZaloTemplate) -> ZaloDailyUsage | None:
    """One message of today's quota of ``template`` taken (None when it has no quota of ours);
    ``QuotaExceeded`` when the day's messages are used up."""
    if not template.daily_quota:
        return None
    usage, _created = ZaloDailyUsage.objects.get_or_create(
        template=template, day=timezone.localdate()
    )
    taken = ZaloDailyUsage.objects.filter(pk=usage.pk, sent__lt=template.daily_quota).update(
        sent=F("sent") + 1
    )
    if not taken:
        raise QuotaExceeded(
            _("Today's Zalo quota for this kind of message (%(quota)s) is used up.")
            % {"quota": template.daily_quota}
        )
    return usage


def give_back(usage: ZaloDailyUsage | None) -> None:
    if usage is not None:
        ZaloDailyUsage.objects.filter(pk=usage.pk, sent__gt=0).update(sent=F("sent") - 1)


class ZaloAdapter:
    def send(self, message: Message) -> str:
        token = settings.ZALO_OA_ACCESS_TOKEN
        if not token:
            raise NotDeliverable(_("Zalo Official Account is not set up on this server."))
        if not message.phone:
            raise NotDeliverable(_("No phone number is known for the user."))
        template = ZaloTemplate.objects.filter(kind=message.kind, active=True).first()
        if template is None:
            raise NotDeliverable(_("No Zalo template carries this kind of notification."))
        usage = take_quota(template)
        body = {
            "phone": message.phone.removeprefix("+"),  # Zalo writes 84912345678
            "template_id": template.template_id,
            "template_data": template_data(template, message),
            "tracking_id": str(message.delivery_id),
        }
        try:
            with http_client(settings.NOTIFICATION_HTTP_TIMEOUT) as client:
                response = client.post(
                    settings.ZALO_ZNS_URL, json=body, headers={"access_token": token}
                )
            if not response.is_success:
                raise failure_for_status(response, "Zalo")
            try:
                answer = response.json()
            except ValueError as exc:
                raise TemporaryFailure(f"Zalo: not JSON: {response.text[:200]}") from exc
            if not isinstance(answer, dict):
                raise TemporaryFailure(f"Zalo: unexpected answer: {response.text[:200]}")
            error = answer.get("error")
            if error != 0:
                raise PermanentFailure(f"Zalo error {error}: {answer.get('message', '')}"[:300])
        except httpx.HTTPError as exc:
            give_back(usage)
            raise TemporaryFailure(f"Zalo: {type(exc).__name__}: {exc}") from exc
        except Exception:
            give_back(usage)  # not sent: it does not count against the day
            raise
        return str((answer.get("data") or {}).get("msg_id", ""))[:200]
