"""Two-factor policy: holders of roles that require it must set up TOTP before going on."""

from __future__ import annotations

from django.shortcuts import redirect

from .scoping import roles_held

ALLOWED_PREFIXES = (
    "/accounts/",
    "/static/",
    "/i18n/",
    "/healthz",
    "/api/",
    "/verify/",
    "/admin/logout",
)


class RequireMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and needs_mfa_setup(user)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def needs_mfa_setup(user) -> bool:
    from allauth.mfa.models import Authenticator

    from .services import roles_requiring_mfa

    required = roles_requiring_mfa()
    if not required or not (roles_held(user) & required):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
