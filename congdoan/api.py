"""The JSON API under ``/api/v1/``: one NinjaAPI, a router per app, the same scoping as the UI.

Requests authenticate with ``Authorization: Bearer <token>`` (see ``accounts.api``) or with
the browser session. Each app exposes ``router`` in its ``api.py``; they are mounted here
under the app's prefix, so adding an app's API touches no shared file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from congdoan.accounts.models import ApiToken, User
from congdoan.accounts.services import token_refusal
from congdoan.common.discovery import app_modules
from congdoan.common.errors import not_found as common_not_found

NUL_MESSAGE = "Null characters are not allowed."


def _find_nul(value: Any, path: tuple = ()) -> tuple | None:
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

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        where = _find_nul(data)
        if where is not None:
            raise NinjaValidationError(
                [{"loc": ["body", *where], "msg": NUL_MESSAGE, "type": "value_error"}]
            )
        return data

    def parse_querydict(
        self, data: QueryDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        where = _find_nul(result)
        if where is not None:
            raise NinjaValidationError(
                [{"loc": list(where), "msg": NUL_MESSAGE, "type": "value_error"}]
            )
        return result


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
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


def docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Guards the Swagger page and the OpenAPI schema unless ``settings.API_DOCS_PUBLIC``.

    A signed-in session or an API token (whatever the API itself accepts) opens them; the
    page sends anyone else to the login form, the schema answers 401 like every endpoint.
    The setting is read per request so that tests can switch it.
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.API_DOCS_PUBLIC or _authenticated(request):
            return view(request, *args, **kwargs)
        if request.resolver_match.url_name == "openapi-json":
            return api.create_response(request, {"detail": unauthorized_message()}, status=401)
        return redirect_to_login(request.get_full_path())

    return guarded


def _authenticated(request: HttpRequest) -> bool:
    for auth in api.auth:
        try:
            if auth(request):
                return True
        except HttpError:  # a refused token or CSRF check: not signed in, not a 500
            continue
    return False


api = NinjaAPI(
    title="Công Đoàn Số API",
    version="1",
    urls_namespace="api",
    auth=[BearerToken(), django_auth],
    docs_url="/docs",
    # ninja serves Swagger UI from its own static files (it is in INSTALLED_APPS) with
    # no inline script, so the site's CSP holds; no online validator badge (img-src).
    docs=Swagger(settings={"validatorUrl": None}),
    docs_decorator=docs_access,
    parser=StrictParser(),
    openapi_url="/openapi.json",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
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
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or _("Your role does not allow this.")
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # One answer for "missing" and "not yours" (and never Django's English model names).
    return api.create_response(request, {"detail": str(common_not_found())}, status=404)


def unauthorized_message() -> str:
    return _("Sign in first: this needs a session or an API token.")


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": unauthorized_message()}, status=401)


# A body Django refuses to read is the caller's fault. Left to Django it is an HTML 400 page
# (a 500 with a traceback under DEBUG, as ninja answers unhandled errors then); API clients
# get JSON, and a body over DATA_UPLOAD_MAX_MEMORY_SIZE the status that names the cause.
@api.exception_handler(RequestDataTooBig)
def request_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    _log_refused(request, exc, 413)
    size = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    message = _("The request is too large: its data may be at most %(size)s.") % {"size": size}
    return api.create_response(request, {"detail": message}, status=413)


@api.exception_handler(SuspiciousOperation)
@api.exception_handler(MultiPartParserError)
@api.exception_handler(UnreadablePostError)
def unreadable_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    _log_refused(request, exc, 400)
    message = _("The request cannot be read: its body is malformed or incomplete.")
    return api.create_response(request, {"detail": message}, status=400)


def _log_refused(request: HttpRequest, exc: Exception, status: int) -> None:
    """Log as Django does for the refusals it answers itself, so security logs still see them."""
    if isinstance(exc, SuspiciousOperation):
        logger = logging.getLogger(f"django.security.{exc.__class__.__name__}")
        logger.error(str(exc), extra={"status_code": status, "request": request})


# Routers, mounted in app order: /api/v1/<prefix>/...
ROUTER_PREFIXES = {"accounts": "auth", "org": "units"}


def _mount_routers() -> None:
    for config, module in app_modules("api"):
        router = getattr(module, "router", None)
        if router is not None:
            prefix = getattr(module, "PREFIX", ROUTER_PREFIXES.get(config.label, config.label))
            api.add_router(f"/{prefix}", router)
        # An app may own more than one top-level path, e.g. skills' /certificates.
        for prefix, extra in getattr(module, "EXTRA_ROUTERS", {}).items():
            api.add_router(f"/{prefix}", extra)


_mount_routers()
