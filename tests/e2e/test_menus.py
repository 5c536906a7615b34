"""Menus in a real browser: the English main menu fits on one line at 1280 px, a section's
sub-menu keeps each tab on one line and, on a phone, starts scrolled to the active tab; every
page names its favicon."""

import pytest

from congdoan.org.choices import Role
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin(tree):
    return make_user(
        "federation_admin", tree.prov, Role.ADMINISTRATOR, full_name="Nguyễn Thị Hồng Hạnh"
    )


def _overflows(page, selector: str) -> bool:
    return page.eval_on_selector(selector, "el => el.scrollWidth > el.clientWidth + 1")


def test_english_main_menu_fits_at_1280(page, admin):
    login(page, "federation_admin", PASSWORD)
    page.locator("[data-testid=lang-en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    nav = page.locator("#mainnav")
    box = nav.bounding_box()
    assert box["height"] < 60  # one line
    assert box["x"] + box["width"] <= 1280
    right = page.eval_on_selector(
        "#mainnav",
        "el => Math.max(...[...el.querySelectorAll('.nav-link')].map(a => a.getBoundingClientRect().right))",
    )
    assert right <= 1280
    assert page.locator("link[rel=icon]").count() >= 1


def test_submenu_scrolls_to_the_active_tab_on_a_phone(browser, live_server, admin):
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.base_url = live_server.url
    login(page, "federation_admin", PASSWORD)
    page.goto(f"{live_server.url}/skills/certificates/")
    nav = page.locator("ul.nav.overflow-auto").first
    nav.wait_for()
    assert _overflows(page, "ul.nav.overflow-auto")
    active = nav.locator(".nav-link.active")
    nav_box, tab = nav.bounding_box(), active.bounding_box()
    assert (
        tab["x"] >= nav_box["x"] - 1
        and tab["x"] + tab["width"] <= nav_box["x"] + nav_box["width"] + 1
    )
    # Labels stay on one line inside their tab.
    heights = page.eval_on_selector_all(
        "ul.nav.overflow-auto .nav-link", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert max(heights) < 45
    context.close()
