"""Where to reach a user: their e-mail address (the account's) and phone number.

Accounts hold no phone number; the app that knows one (members, for a member's account)
names a function ``user -> phone`` in ``settings.NOTIFICATION_PHONE_LOOKUP``, so that this
app imports no domain app. Without one, SMS and Zalo have nowhere to send.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from congdoan.accounts.models import User
from congdoan.common.phone import normalize_phone


def phone_of(user: User) -> str:
    """The user's mobile number in E.164, or ``""``."""
    path = getattr(settings, "NOTIFICATION_PHONE_LOOKUP", "")
    if not path:
        return ""
    return normalize_phone(import_string(path)(user) or "") or ""
