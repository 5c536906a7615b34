"""The channels' adapters behind one small interface (``base.Adapter``), one module each.

``settings.NOTIFICATION_ADAPTERS`` names the adapter of each channel: a short name of
``ADAPTERS`` below or a dotted path to a class of one's own. SMS and Zalo go to the console
(the log) until an installation sets their gateway up.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .base import Adapter

ADAPTERS = {
    "console": "congdoan.notifications.adapters.console.ConsoleAdapter",
    "email": "congdoan.notifications.adapters.email.EmailAdapter",
    "webpush": "congdoan.notifications.adapters.webpush.WebPushAdapter",
    "sms": "congdoan.notifications.adapters.sms.SmsGatewayAdapter",
    "zalo": "congdoan.notifications.adapters.zalo.ZaloAdapter",
}


def adapter_for(channel: str) -> Adapter:
    """A new adapter for ``channel``, as the settings choose (read per call: tests switch it)."""
    name = settings.NOTIFICATION_ADAPTERS.get(channel, "console")
    return import_string(ADAPTERS.get(name, name))()
