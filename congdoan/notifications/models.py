"""Notifications, their deliveries, users' preferences, push subscriptions, Zalo templates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Channel, DeliveryStatus


class NotificationQuerySet(models.QuerySet):
    def of(self, user) -> NotificationQuerySet:
        """The one door: a user sees their own notifications and nobody else's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing told to one user: the in-app row the bell counts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notif_user_recent"),
            models.Index(fields=["user", "read_at"], name="notif_user_unread"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """A notification sent (or to be sent) on one channel: every attempt counted."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    # What the provider answered (its message id), for support calls to the gateway.
    provider_ref = models.CharField(_("provider reference"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.notification_id}/{self.channel}: {self.status}"


class Preference(models.Model):
    """A user's choice for one kind on one channel; without a row the kind's default holds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=100)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channel}: {self.enabled}"


class PushSubscription(models.Model):
    """A browser's Web Push subscription (one per browser and device the user allowed)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.endpoint[:60]}"

    def as_info(self) -> dict:
        """The ``subscription_info`` pywebpush takes (what the browser's PushSubscription gave)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class ZaloTemplate(models.Model):
    """A Zalo Notification Service (ZNS) template approved for the Official Account, the kind
    it carries, and how many of it the OA may send a day.

    Zalo OA sends to a phone number only through a template approved beforehand; each template
    has a daily quota (Zalo's, or one we set lower to keep the budget). ``params`` maps the
    template's parameter names to what fills them: ``title``, ``body``, ``url`` or ``data.<key>``.
    """

    kind = models.CharField(_("kind"), max_length=100, unique=True)
    template_id = models.CharField(_("Zalo template id"), max_length=50)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    daily_quota = models.PositiveIntegerField(
        _("daily quota"), default=0, help_text=_("messages a day; 0 for no limit of ours")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Zalo template")
        verbose_name_plural = _("Zalo templates")

    def __str__(self) -> str:
        return f"{self.kind} → {self.template_id}"


class ZaloDailyUsage(models.Model):
    """Messages sent with a template on a day (Vietnam's day): what the quota is checked on."""

    template = models.ForeignKey(ZaloTemplate, on_delete=models.CASCADE, related_name="usage")
    day = models.DateField(_("day"))
    sent = models.PositiveIntegerField(_("sent"), default=0)

    class Meta:
        verbose_name = _("Zalo daily usage")
        verbose_name_plural = _("Zalo daily usage")
        constraints = [models.UniqueConstraint(fields=["template", "day"], name="zalo_usage_once")]

    def __str__(self) -> str:
        return f"{self.template_id} {self.day}: {self.sent}"
