"""allauth adapter: accounts are created by administrators, never by open sign-up; failed
logins are counted per account, whatever name the account was typed by."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest


def login_attempts_key(login: str) -> str:
    """The rate-limit key for failed logins to the account that ``login`` names.

    allauth keys the counter by the text typed and the Host header, so "An", "an",
    an@example.org and each host name would each get their own five tries. Keyed by the
    account instead, the limit holds for the account; a login naming no account (or more
    than one) is keyed by its text.
    """
    login = login.strip().lower()
    matches = list(
        get_user_model()
        .objects.filter(
            Q(username__iexact=login)
            | Q(email__iexact=login)
            | Q(emailaddress__email__iexact=login)
        )
        .values_list("pk", flat=True)
        .distinct()[:2]
    )
    if len(matches) == 1:
        return f"account:{matches[0]}"
    return f"login:{login}"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request, **credentials: Any) -> str:
        # allauth's own hook (used when a login fails, succeeds and when a password reset
        # clears the counter); tests/accounts/test_login_limits.py fails if it stops being one.
        return login_attempts_key(credentials.get("email") or credentials.get("username") or "")
