"""Every page or endpoint that takes an object from the URL has a sibling-subtree 404 test."""

from __future__ import annotations

import importlib
import pkgutil

from django.urls import URLPattern, URLResolver, get_resolver

import tests

# Routes with URL arguments that are not about an object of a unit's subtree.
EXEMPT = {
    "accounts:revoke_token",  # owner-only, tested in tests/accounts
    # Public pages: anyone with the secret token or number may open them (tests/skills/test_public.py).
    "skills:checkin",
    "skills:verify_certificate",
}


def _named_routes_with_args(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in {"admin", "api"} or not entry.urlconf_module.__name__.startswith("congdoan"):
                continue
            yield from _named_routes_with_args(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name and entry.pattern.regex.groupindex:
            yield f"{namespace}{entry.name}"


def _declared_routes():
    declared = set()
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.endswith(".test_scoping"):
            mod = importlib.import_module(module.name)
            declared |= {route.name for route in getattr(mod, "ROUTES", [])}
    return declared


def test_every_route_with_arguments_has_a_scoping_test():
    routes = {r for r in _named_routes_with_args() if ":" in r}
    missing = sorted(routes - _declared_routes() - EXEMPT)
    assert not missing, f"routes without a sibling-subtree 404 test: {missing}"
