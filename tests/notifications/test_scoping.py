"""A user sees and marks only their own notifications: anyone else's id answers 404, on the
pages and in the API (an officer's rank changes nothing: notifications are not a unit's)."""

from __future__ import annotations

import pytest

from congdoan.notifications import services
from congdoan.notifications.models import Notification
from tests.scoping import ScopedRoute, assert_api_hidden, assert_hidden

from .conftest import KIND

ROUTES = [
    ScopedRoute(
        "notifications:read", lambda t: f"/notifications/{t.notification.pk}/read/", "post"
    ),
    ScopedRoute(
        "notifications:read",
        lambda t: f"/notifications/{t.notification.pk}/read/",
        "post",
        {"open": "1"},
    ),
]

API_ROUTES = [
    ("post", lambda t: f"/api/v1/notifications/{t.notification.pk}/read", None),
]


@pytest.fixture
def scoped_tree(tree, officer_a):
    [tree.notification] = services.notify(officer_a, KIND, "Văn bản mới", url="/documents/")
    return tree


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.name}-{r.method}")
@pytest.mark.parametrize("who", ["officer_b", "admin_user"])
def test_anyone_else_gets_404(route, who, scoped_tree, request, client_for):
    client = client_for(request.getfixturevalue(who))
    assert_hidden(client, route.build(scoped_tree), route.method, route.data)
    assert Notification.objects.get().read_at is None


@pytest.mark.parametrize("method,build,payload", API_ROUTES)
@pytest.mark.parametrize("who", ["officer_b", "admin_user"])
def test_api_anyone_else_gets_404(
    method, build, payload, who, scoped_tree, request, api_client_for
):
    client = api_client_for(request.getfixturevalue(who))
    assert_api_hidden(client, method, build(scoped_tree), payload)
    assert Notification.objects.get().read_at is None


def test_lists_and_counts_hold_only_ones_own(scoped_tree, officer_b, client_for, api_client_for):
    page = client_for(officer_b).get("/notifications/")
    assert page.status_code == 200 and "Văn bản mới" not in page.content.decode()
    assert api_client_for(officer_b).get("/api/v1/notifications").json() == {
        "items": [],
        "count": 0,
    }
    bell = client_for(officer_b).get("/notifications/bell/")
    assert 'data-testid="bell-count"' not in bell.content.decode()
    read_all = api_client_for(officer_b).post("/api/v1/notifications/read-all")
    assert read_all.json() == {"marked_read": 0}
    assert Notification.objects.get().read_at is None
