"""The notification centre's own kind: a test message a user sends themself from their
settings, to see that a channel reaches them."""

from django.utils.translation import gettext_lazy as _

from . import kinds
from .choices import Channel

kinds.register(
    "notifications.test",
    label=_("Test notification (sent by yourself)"),
    default_channels=[Channel.EMAIL, Channel.PUSH],
)
