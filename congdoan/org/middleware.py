"""Two-factor policy: holders of roles that require it must set up TOTP before going on."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from congdoan.accounts.services import mfa_setup_required_message, needs_mfa_setup

ALLOWED_PREFIXES = (
    "/accounts/",
    "/static/",
    "/i18n/",
    "/healthz",
    "/verify/",
    "/admin/logout",
)
# The token endpoint checks the policy itself and says what is missing. Every other API
# path is refused below: a session must not reach through the API what the pages withhold.
EXEMPT_PATHS = frozenset({"/api/v1/auth/token"})
API_PREFIX = "/api/"


class RequireMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and request.path not in EXEMPT_PATHS
            and needs_mfa_setup(user)
        ):
            if request.path.startswith(API_PREFIX):
                # A script cannot follow a redirect to a setup page: tell it why.
                return JsonResponse({"detail": mfa_setup_required_message()}, status=403)
            return redirect("mfa_activate_totp")
        return self.get_response(request)
