"""The user model and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in: an officer, trainer, volunteer or member."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def save(self, *args, **kwargs) -> None:
        # ``set_password`` leaves the raw password in ``_password`` until the next save; a
        # hash upgrade on login clears it first. So this catches every real change (allauth's
        # change and reset views, the admin's form, ``changepassword``, a shell) and nothing
        # else. A new password must shut out whoever held the old one: sessions already end
        # through Django's session hash, API tokens end here.
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            self.api_tokens.revoke()

    @property
    def display_name(self) -> str:
        return str(self)


# Whom a read is for: ``request.user``, a signed-in ``User`` or, on public pages and before
# login, Django's ``AnonymousUser``. Services that write take a ``User`` (the actor).
AnyUser = User | AnonymousUser


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def revoke(self) -> int:
        """Revoke the tokens not yet revoked; return how many."""
        return self.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the owner sees it once."""

    PREFIX = "cds_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(
        _("hint"), max_length=12, help_text=_("first characters, to recognise the token")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Recorded so that a later two-factor policy can refuse tokens issued on a password alone.
    with_second_factor = models.BooleanField(_("issued with a two-factor code"), default=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.hint}… ({self.user})"

    @classmethod
    def issue(
        cls,
        user: User,
        name: str = "",
        lifetime_days: int | None = None,
        *,
        with_second_factor: bool = False,
    ) -> tuple[ApiToken, str]:
        """Create a token for ``user``; return it with the raw key, which is not stored."""
        days = lifetime_days or settings.API_TOKEN_LIFETIME_DAYS
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=hash_token(raw),
            hint=raw[:10],
            expires_at=timezone.now() + timedelta(days=days),
            with_second_factor=with_second_factor,
        )
        return token, raw

    @classmethod
    def find_active(cls, raw: str) -> ApiToken | None:
        """The active token ``raw`` of an active user, or None; notes when it was used."""
        token = cls.objects.active().select_related("user").filter(key_hash=hash_token(raw)).first()
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
