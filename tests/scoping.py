"""The scoping test helper that every app's ``test_scoping.py`` uses.

Each app's ``tests/<app>/test_scoping.py`` declares ``ROUTES``: for each URL name of the app
that shows or changes one object, a function building ``(url, method)`` from the shared
``tree`` fixture (and whatever objects it needs inside ZONE). The generic test then checks
that ``officer_b`` (an officer of the sibling subtree WARD) gets 404 on every one, and
``tests/test_route_coverage.py`` fails when a route with URL arguments has no entry.

The same module's ``API_ROUTES`` does it for the JSON API: each entry is ``(method, build,
payload)`` (``payload`` a dict, None, or a function of the tree), or a bare ``build`` for a
GET; ``build(tree)`` gives the URL. The coverage test fails when an API operation with a path
parameter has no entry reaching it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ScopedRoute:
    name: str
    build: Callable  # build(tree, users) -> url
    method: str = "get"
    data: dict | None = None


def api_case(entry: tuple | Callable | ScopedRoute) -> tuple[str, Callable]:
    """``(method, build)`` of an ``API_ROUTES`` entry, whichever of the accepted forms it has."""
    if isinstance(entry, ScopedRoute):
        return entry.method, entry.build
    if callable(entry):
        return "get", entry
    method, build, *_payload = entry
    return method, build


def assert_hidden(client, url: str, method: str = "get", data: dict | None = None) -> None:
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 404, (
        f"{method.upper()} {url} answered {response.status_code}, expected 404"
    )


def assert_api_hidden(client, method: str, url: str, payload=None) -> None:
    """An API call answers 404: GETs plainly, other methods with a JSON body."""
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, payload, content_type="application/json")
    assert response.status_code == 404, (url, response.status_code, response.content[:300])
