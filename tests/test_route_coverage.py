"""Every page or endpoint that takes an object from the URL has a sibling-subtree 404 test.

Pages: every named URL with arguments must appear in some ``tests/<app>/test_scoping.py``
``ROUTES``. API: every operation of ``congdoan.api.api`` with a path parameter (as the
OpenAPI document lists them) must be reached by some entry of an ``API_ROUTES`` list there;
each entry's URL is built with a placeholder object and resolved the way Django resolves a
request, so the check needs no database.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from types import ModuleType
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve

import tests
from congdoan.api import api
from tests.scoping import api_case

# Routes with URL arguments that are not about an object of a unit's subtree.
EXEMPT = {
    "accounts:revoke_token",  # owner-only, tested in tests/accounts
    # Public pages: anyone with the secret token or number may open them (tests/skills/test_public.py).
    "skills:checkin",
    "skills:verify_certificate",
}
# API operations with path parameters that are not about an object of a unit's subtree.
API_EXEMPT = {
    "DELETE /api/v1/auth/tokens/{token_id}",  # the caller's own token (tests/api/test_auth_tokens.py)
}


def _named_routes_with_args(resolver=None, namespace="") -> Iterator[str]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in {"admin", "api"} or not entry.urlconf_module.__name__.startswith("congdoan"):
                continue
            yield from _named_routes_with_args(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name and entry.pattern.regex.groupindex:
            yield f"{namespace}{entry.name}"


def _scoping_modules() -> Iterator[ModuleType]:
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.endswith(".test_scoping"):
            yield importlib.import_module(module.name)


def _declared_routes() -> set[str]:
    declared = set()
    for mod in _scoping_modules():
        declared |= {route.name for route in getattr(mod, "ROUTES", [])}
    return declared


def test_every_route_with_arguments_has_a_scoping_test():
    routes = {r for r in _named_routes_with_args() if ":" in r}
    missing = sorted(routes - _declared_routes() - EXEMPT)
    assert not missing, f"routes without a sibling-subtree 404 test: {missing}"


class _Anything:
    """Stands for the test tree and every object on it: any attribute, item or call is
    itself again, and it prints as ``1`` (a valid id, code and number alike)."""

    def __getattr__(self, name: str) -> _Anything:
        return self

    def __getitem__(self, key: object) -> _Anything:
        return self

    def __call__(self, *args: object, **kwargs: object) -> _Anything:
        return self

    def __str__(self) -> str:
        return "1"

    def __format__(self, spec: str) -> str:
        return "1"


def _operation(method: str, url: str) -> str:
    """``"GET /api/v1/units/{code}"``: the OpenAPI operation that ``url`` reaches."""
    match = resolve(urlsplit(url).path)
    assert match.namespace == "api", f"{url} is not an API address"
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", match.route)
    return f"{method.upper()} /{route}"


def _api_operations_with_path_parameters() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        if "{" in path
        for method in operations
    }


def _declared_api_operations() -> set[str]:
    declared = set()
    for mod in _scoping_modules():
        for entry in getattr(mod, "API_ROUTES", []):
            method, build = api_case(entry)
            declared.add(_operation(method, build(_Anything())))
    return declared


def test_every_api_operation_with_path_parameters_has_a_scoping_test():
    operations = _api_operations_with_path_parameters()
    assert "GET /api/v1/units/{code}" in operations  # the walk sees the API
    missing = sorted(operations - _declared_api_operations() - API_EXEMPT)
    assert not missing, f"API operations without a sibling-subtree 404 test: {missing}"


def test_the_api_check_resolves_like_django():
    assert _operation("get", "/api/v1/units/1") == "GET /api/v1/units/{code}"
    assert _operation("post", "/api/v1/members/merge") == "POST /api/v1/members/merge"
    assert _operation("patch", "/api/v1/members/1?x=1") == "PATCH /api/v1/members/{member_id}"
