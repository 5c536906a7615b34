"""API authentication: bearer tokens issued for username + password (+ TOTP code)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from congdoan.common.api_schemas import responses
from congdoan.common.errors import visible_or_404

from .adapter import login_attempts_key
from .models import ApiToken
from .services import mfa_required, mfa_setup_required_message, user_has_totp, verify_totp
from .services import revoke_token as revoke_token_for

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None
    name: str = ""


class TokenOut(Schema):
    token: str
    expires_at: datetime


class TokenInfo(Schema):
    id: int
    name: str
    hint: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    active: bool

    @staticmethod
    def resolve_active(obj: ApiToken) -> bool:
        return obj.is_active


@router.post("/token", auth=None, response=responses({200: TokenOut}, 400, 401, 403, 413, 422, 429))
def issue_token(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, Any]]:
    """Exchange username (or e-mail) and password, plus ``otp`` when two-factor is on, for a token.

    Failures count against the same limits as the login page (per account and per client
    address). A user whose role requires two-factor login gets a token only with the code.
    """
    adapter = get_adapter(request)
    try:
        # allauth's own login check: the same counters, keys and rollback on success as the
        # login page, so five wrong passwords anywhere lock the account everywhere.
        user = adapter.authenticate(request, username=payload.username, password=payload.password)
    except DjangoValidationError:
        return 429, {"detail": _("Too many failed attempts. Try again later.")}
    if user is None or not user.is_active:
        return 401, {"detail": _("Wrong username or password.")}
    if user_has_totp(user):
        if not payload.otp:
            return 401, {
                "detail": _(
                    "This account uses two-factor authentication: send the 6-digit code as otp."
                )
            }
        if not verify_totp(user, payload.otp):
            if not ratelimit.consume(
                request, action="login_failed", key=login_attempts_key(payload.username)
            ):
                return 429, {"detail": _("Too many failed attempts. Try again later.")}
            return 401, {"detail": _("Wrong two-factor code.")}
        token, raw = ApiToken.issue(user, name=payload.name, with_second_factor=True)
    elif mfa_required(user):
        return 403, {"detail": mfa_setup_required_message()}
    else:
        token, raw = ApiToken.issue(user, name=payload.name)
    return 200, {"token": raw, "expires_at": token.expires_at}


@router.get("/tokens", response=responses({200: list[TokenInfo]}, 401, 403))
def list_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    """The caller's own tokens (their secret is never shown again)."""
    return ApiToken.objects.filter(user=request.user)


@router.delete("/tokens/{token_id}", response=responses({204: None}, 401, 403, 404, 422))
def revoke_token(request: HttpRequest, token_id: int) -> tuple[int, None]:
    visible_or_404(request.user.api_tokens.all(), pk=token_id)
    revoke_token_for(request.user, token_id)
    return 204, None
