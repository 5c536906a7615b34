"""The JSON API under ``/api/v1/``: one NinjaAPI, a router per app, the same scoping as the UI.

Requests authenticate with ``Authorization: Bearer <token>`` (see ``accounts.api``) or with
the browser session. Each app exposes ``router`` in its ``api.py``; they are mounted here
under the app's prefix, so adding an app's API touches no shared file.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

NUL_MESSAGE = "Null characters are not allowed."


def _find_nul(value, path=()):
    """The location of the first string holding U+0000 in a parsed body, or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _find_nul(item, (*path, key))
        if found is not None:
            return found
    return None


class StrictParser(Parser):
    """Refuses text holding NUL characters (PostgreSQL cannot store them): 422 for query
    and form fields, 400 for a JSON body (ninja's answer to any body it cannot parse).

    Django's form fields refuse them too (ProhibitNullCharactersValidator); this gives the
    API the same rule for JSON bodies, query strings and form fields. Uploaded files are
    bytes and are not touched.
    """

    def parse_body(self, request):
        data = super().parse_body(request)
        where = _find_nul(data)
        if where is not None:
            raise NinjaValidationError(
                [{"loc": ["body", *where], "msg": NUL_MESSAGE, "type": "value_error"}]
            )
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        where = _find_nul(result)
        if where is not None:
            raise NinjaValidationError(
                [{"loc": list(where), "msg": NUL_MESSAGE, "type": "value_error"}]
            )
        return result


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        from ninja.errors import HttpError

        from congdoan.accounts.models import ApiToken
        from congdoan.accounts.services import token_refusal

        found = ApiToken.find_active(token)
        if found is None:
            return None
        # A valid token the two-factor policy now refuses gets a 403 saying why, not a bare
        # 401: its owner has to do something (set up TOTP, fetch a new token with the code).
        refusal = token_refusal(found)
        if refusal is not None:
            raise HttpError(403, refusal)
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="Công Đoàn Số API",
    version="1",
    urls_namespace="api",
    auth=[BearerToken(), django_auth],
    docs_url="/docs",
    parser=StrictParser(),
    openapi_url="/openapi.json",
)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": None, "message": m} for m in exc.messages]
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found"}, status=404)


# Routers, mounted in app order: /api/v1/<prefix>/...
ROUTER_PREFIXES = {"accounts": "auth", "org": "units"}


def _mount_routers() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("congdoan."):
            continue
        try:
            module = import_module(f"{config.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.api":
                raise
            continue
        router = getattr(module, "router", None)
        if router is not None:
            prefix = getattr(module, "PREFIX", ROUTER_PREFIXES.get(config.label, config.label))
            api.add_router(f"/{prefix}", router)
        # An app may own more than one top-level path, e.g. skills' /certificates.
        for prefix, extra in getattr(module, "EXTRA_ROUTERS", {}).items():
            api.add_router(f"/{prefix}", extra)


_mount_routers()
