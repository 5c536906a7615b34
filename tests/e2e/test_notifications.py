"""The bell in a real browser: at 360 px it stays in the top bar beside the menu button,
shows the unread count fetched after the page, and opens the list, where "mark all read"
empties it."""

import pytest

from congdoan.notifications import services
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_bell_on_a_phone(browser, live_server):
    worker = make_user("worker_phone", full_name="Lê Thị Mai")
    for title in ("Văn bản mới cần xử lý", "Lịch tập huấn kỹ năng số"):
        services.notify(worker, "notifications.test", title, url="/notifications/")
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    login(page, "worker_phone", PASSWORD)
    count = page.locator("[data-testid=bell-count]")
    count.wait_for()
    assert count.inner_text() == "2"
    bell, toggler = page.locator("[data-testid=bell]"), page.locator(".navbar-toggler")
    assert bell.is_visible() and toggler.is_visible()
    bell_box, toggler_box = bell.bounding_box(), toggler.bounding_box()
    assert abs(bell_box["y"] - toggler_box["y"]) < 20  # one row: the top bar
    assert bell_box["x"] + bell_box["width"] <= toggler_box["x"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    bell.click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    assert page.locator("[data-testid=notification]").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("[data-testid=read-all]").click()
    page.wait_for_load_state()
    page.locator("[data-testid=bell] .bi-bell").wait_for()
    assert page.locator("[data-testid=bell-count]").count() == 0
    context.close()
