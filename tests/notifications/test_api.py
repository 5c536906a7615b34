"""/api/v1/notifications: the caller's own list (paginated, unread filter), marking read,
the push subscription."""

from __future__ import annotations

import pytest

from congdoan.notifications import services
from congdoan.notifications.models import PushSubscription
from tests.conftest import make_user

from .conftest import KIND, browser_keys


@pytest.fixture
def worker(db):
    return make_user("worker1")


@pytest.fixture
def api(worker, api_client_for):
    return api_client_for(worker)


def test_list_newest_first_paginated_with_unread_filter(worker, api, django_assert_max_num_queries):
    for i in range(5):
        services.notify(worker, KIND, f"Thông báo {i}", url=f"/x/{i}/", data={"i": i})
    services.mark_read(worker, worker.notifications.get(title="Thông báo 4").pk)
    with django_assert_max_num_queries(8):
        answer = api.get("/api/v1/notifications?limit=2")
    body = answer.json()
    assert answer.status_code == 200 and body["count"] == 5
    assert [n["title"] for n in body["items"]] == ["Thông báo 4", "Thông báo 3"]
    first = body["items"][0]
    assert first["read"] is True and first["data"] == {"i": 4} and first["url"] == "/x/4/"
    unread = api.get("/api/v1/notifications?unread=true").json()
    assert unread["count"] == 4 and all(not n["read"] for n in unread["items"])
    assert api.get("/api/v1/notifications/unread-count").json() == {"unread": 4}


def test_mark_read_and_read_all(worker, api):
    a, b = (services.notify(worker, KIND, title)[0] for title in ("A", "B"))
    answer = api.post(f"/api/v1/notifications/{a.pk}/read")
    assert answer.status_code == 200 and answer.json()["read"] is True
    assert api.post("/api/v1/notifications/read-all").json() == {"marked_read": 1}
    assert api.post("/api/v1/notifications/999999/read").status_code == 404


def test_needs_a_login(client, db):
    assert client.get("/api/v1/notifications").status_code == 401


def test_push_subscription(worker, api):
    keys = browser_keys()
    answer = api.post(
        "/api/v1/notifications/push-subscriptions",
        {"endpoint": "https://push.example/send/1", "keys": keys},
        content_type="application/json",
        headers={"User-Agent": "Mozilla/5.0 (Android 14)"},
    )
    assert answer.status_code == 201, answer.content
    subscription = PushSubscription.objects.get()
    assert subscription.user == worker and subscription.user_agent.startswith("Mozilla")
    refused = api.post(
        "/api/v1/notifications/push-subscriptions",
        {"endpoint": "javascript:alert(1)", "keys": keys},
        content_type="application/json",
    )
    assert refused.status_code == 422
    removed = api.post(
        "/api/v1/notifications/push-subscriptions/remove",
        {"endpoint": "https://push.example/send/1"},
        content_type="application/json",
    )
    assert removed.status_code == 204 and not PushSubscription.objects.exists()
