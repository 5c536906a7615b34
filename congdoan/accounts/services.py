"""Account operations: two-factor checks and token management."""

from __future__ import annotations

from django.utils import timezone

from .models import ApiToken


def user_has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def verify_totp(user, code: str) -> bool:
    """Check a TOTP code of ``user`` (each code is accepted once)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return False
    return TOTP(authenticator).validate_code(code.strip().replace(" ", ""))


def issue_token(user, name: str = "") -> tuple[ApiToken, str]:
    return ApiToken.issue(user, name=name)


def revoke_token(user, token_id: int) -> bool:
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return bool(updated)
