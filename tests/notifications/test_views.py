"""The pages: the bell, the list, marking read, the settings; Vietnamese first, English too."""

from __future__ import annotations

import pytest
from django.core import mail

from congdoan.notifications import services
from congdoan.notifications.choices import Channel
from congdoan.notifications.models import Notification, Preference
from tests.conftest import make_user

from .conftest import KIND


@pytest.fixture
def worker(db):
    return make_user("worker1", full_name="Lê Thị Mai")


@pytest.fixture
def browser(worker, client_for):
    return client_for(worker)


def test_the_bell_is_on_every_page_and_counts_unread(worker, browser):
    home = browser.get("/notifications/settings/").content.decode()
    assert 'data-testid="bell"' in home and 'hx-get="/notifications/bell/"' in home
    assert 'aria-label="Thông báo"' in home
    empty = browser.get("/notifications/bell/").content.decode()
    assert "bell-count" not in empty and "0 thông báo chưa đọc" in empty
    services.notify(worker, KIND, "A")
    services.notify(worker, KIND, "B")
    counted = browser.get("/notifications/bell/").content.decode()
    assert 'data-testid="bell-count">2<' in counted and "2 thông báo chưa đọc" in counted


def test_list_mark_read_open_and_all(worker, browser):
    [a] = services.notify(worker, KIND, "Văn bản đến", "Số 12/CV", url="/documents/12/")
    [b] = services.notify(worker, KIND, "Lịch họp")
    page = browser.get("/notifications/").content.decode()
    assert "Văn bản đến" in page and "Đánh dấu tất cả đã đọc" in page and "Chưa đọc" in page
    opened = browser.post(f"/notifications/{a.pk}/read/", {"open": "1"})
    assert opened.status_code == 302 and opened["Location"] == "/documents/12/"
    unread = browser.get("/notifications/?unread=1").content.decode()
    assert "Lịch họp" in unread and "Văn bản đến" not in unread
    done = browser.post("/notifications/read-all/", {"next": "/notifications/?unread=1"})
    assert done["Location"] == "/notifications/?unread=1"
    assert not Notification.objects.unread().exists()
    assert (
        "Không có thông báo chưa đọc." in browser.get("/notifications/?unread=1").content.decode()
    )


def test_a_link_elsewhere_is_not_followed(worker, browser):
    [n] = services.notify(worker, KIND, "x", url="https://evil.example/")
    answer = browser.post(
        f"/notifications/{n.pk}/read/", {"open": "1", "next": "https://evil.example/"}
    )
    assert answer["Location"] == "/notifications/"


def test_read_needs_post(worker, browser):
    [n] = services.notify(worker, KIND, "x")
    assert browser.get(f"/notifications/{n.pk}/read/").status_code == 405


def test_preferences_page(worker, browser, test_kind):
    page = browser.get("/notifications/settings/").content.decode()
    assert "Cài đặt thông báo" in page and "Thông báo trình duyệt" in page
    assert f'value="{KIND}:email" id=' in page and "checked" in page
    browser.post("/notifications/settings/", {"on": [f"{KIND}:sms", f"{KIND}:zalo"]})
    assert set(Preference.objects.filter(kind=KIND).values_list("channel", "enabled")) == {
        (Channel.EMAIL, False),
        (Channel.SMS, True),
        (Channel.ZALO, True),
    }


def test_send_a_test_notification_to_oneself(worker, browser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = browser.post("/notifications/settings/test/")
    assert answer.status_code == 302
    assert Notification.objects.get().title == "Thông báo thử"
    assert len(mail.outbox) == 1


def test_in_english(worker, browser):
    browser.post("/i18n/setlang/", {"language": "en", "next": "/"})
    services.notify(worker, KIND, "Văn bản đến")
    page = browser.get("/notifications/").content.decode()
    assert "Mark all read" in page and "Notification settings" in page


def test_pages_need_a_login(client, db):
    answer = client.get("/notifications/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_the_bell_fits_a_phone(worker, browser):
    """At 360 px the menu collapses: the bell sits outside it, beside the toggler."""
    page = browser.get("/notifications/").content.decode()
    bell, toggler, menu = (
        page.index('data-testid="bell"'),
        page.index('class="navbar-toggler"'),
        page.index('id="mainnav"'),
    )
    assert bell < toggler < menu


def test_the_list_page_costs_the_same_for_many(worker, browser, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.notify(worker, KIND, "một")
    browser.get("/notifications/")  # the first page of a session caches the user's roles
    with CaptureQueriesContext(connection) as few:
        browser.get("/notifications/")
    for i in range(30):
        services.notify(worker, KIND, f"Thông báo {i}", url=f"/x/{i}/")
    with django_assert_num_queries(len(few.captured_queries)):
        page = browser.get("/notifications/")
    assert page.content.decode().count('data-testid="notification"') == 20


def test_the_bell_stops_polling_once_signed_out(client, db):
    answer = client.get("/notifications/bell/")
    assert answer.status_code == 286 and answer.content == b""
