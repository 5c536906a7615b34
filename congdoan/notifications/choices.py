"""Channels and delivery statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    PUSH = "push", _("Browser notification")
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")


# The channels a notification is sent on besides its in-app row (which every one has: it is
# the inbox the bell counts and the record the deliveries hang off).
SENT_CHANNELS = (Channel.EMAIL, Channel.PUSH, Channel.SMS, Channel.ZALO)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("not sent")
