"""Account operations: two-factor checks, the two-factor policy as the API applies it, tokens."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import AnyUser, ApiToken, User


def user_has_totp(user: User) -> bool:
    """Whether ``user`` has set up an authenticator app."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def verify_totp(user: User, code: str) -> bool:
    """Check a TOTP code of ``user`` (each code is accepted once)."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return False
    return TOTP(authenticator).validate_code(code.strip().replace(" ", ""))


def mfa_required(user: AnyUser) -> bool:
    """Whether a policy obliges ``user`` to log in with a second factor.

    Who is obliged follows from roles, which ``org`` owns; accounts sits below org, so it
    asks through the function named by ``settings.MFA_REQUIRED_CHECK`` instead of importing it.
    """
    return bool(import_string(settings.MFA_REQUIRED_CHECK)(user))


def is_officer(user: AnyUser) -> bool:
    """Whether ``user`` holds a role somewhere; API tokens are officers' tools, a worker
    (no role) has none. Asked through ``settings.OFFICER_CHECK``, as ``mfa_required`` is."""
    return bool(import_string(settings.OFFICER_CHECK)(user))


def needs_mfa_setup(user: AnyUser) -> bool:
    """A user whom a policy obliges to use two-factor login and who has not set it up yet."""
    return mfa_required(user) and not user_has_totp(user)


def mfa_setup_required_message() -> str:
    """What a user who must set up two-factor login first is told (pages and API)."""
    return _(
        "Your role requires two-factor authentication. Set up an authenticator app in the web "
        "interface first, then send its code as otp when you request an API token."
    )


def token_refusal(token: ApiToken) -> str | None:
    """Why the two-factor policy refuses ``token`` now, or None when it may be used.

    Checked on every request rather than when the policy changes, so that a policy switched
    on, or a role granted, after the token was issued takes effect at once.
    """
    user = token.user
    if not mfa_required(user):
        return None
    if not user_has_totp(user):
        return mfa_setup_required_message()
    if not token.with_second_factor:
        return _(
            "This token was issued without a two-factor code, which your role now requires. "
            "Request a new token and send your code as otp."
        )
    return None


def issue_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """A token made on the token page, by a logged-in user.

    A user who has TOTP proved a code in this session: allauth asks for it at login, and a
    user who set it up during the session typed a code to activate it. So the token counts
    as issued with a second factor exactly when the user has TOTP.
    """
    return ApiToken.issue(user, name=name, with_second_factor=user_has_totp(user))


def revoke_token(user: User, token_id: int) -> bool:
    """Revoke one of ``user``'s own tokens; False when they have no such active token."""
    return bool(ApiToken.objects.filter(pk=token_id, user=user).revoke())
