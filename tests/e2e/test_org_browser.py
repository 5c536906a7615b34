"""A federation administrator and a grassroots officer use the tree in a real browser."""

import pytest

from congdoan.org.choices import Role
from tests.conftest import PASSWORD, make_unit, make_user
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(tree):
    make_unit(tree.gr_a1, "GR-A1-T1", "Tổ công đoàn Phân xưởng 1", "union_group")
    return {
        "admin": make_user(
            "federation_admin", tree.prov, Role.ADMINISTRATOR, full_name="Nguyễn Thị Hạnh"
        ),
        "officer": make_user(
            "grassroots_officer", tree.gr_a1, Role.OFFICER, full_name="Trần Văn Đức"
        ),
    }


def test_federation_admin_expands_searches_and_switches_language(page, people, tree):
    login(page, "federation_admin", PASSWORD)
    page.goto(f"{page.base_url}/units/")
    assert page.locator("h1").inner_text() == "Cây tổ chức"
    # expand the province, then the industrial-zone union, lazily
    page.locator("li[data-code=PROV] > button.toggle").click()
    page.locator("li[data-code=ZONE]").wait_for()
    page.locator("li[data-code=ZONE] > button.toggle").click()
    page.locator("li[data-code=GR-A1]").wait_for()
    assert "Công ty TNHH Đông Bắc" in page.locator("li[data-code=GR-A1]").inner_text()
    # collapse and re-open without another request
    page.locator("li[data-code=ZONE] > button.toggle").click()
    assert page.locator("li[data-code=GR-A1]").is_hidden()
    # search without accents
    page.fill("#unit-search", "dong bac")
    results = page.locator("[data-testid=search-results]")
    results.wait_for()
    page.wait_for_function(
        "document.querySelector('[data-testid=search-results]').innerText.includes('Đông Bắc')"
    )
    # switch to English
    page.locator("[data-testid=lang-en]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Organisation tree"


def test_grassroots_officer_sees_only_own_unit(page, people, tree):
    login(page, "grassroots_officer", PASSWORD)
    page.goto(f"{page.base_url}/units/")
    tree_text = page.locator("#unit-tree").inner_text()
    assert "Đông Bắc" in tree_text
    assert "Sao Mai" not in tree_text and "Liên đoàn" not in tree_text
    response = page.goto(f"{page.base_url}/units/{tree.gr_b1.code}/")
    assert response.status == 404


def test_phone_width_menu_collapses(page, people):
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, "federation_admin", PASSWORD)
    page.goto(f"{page.base_url}/units/")
    assert page.locator(".navbar-toggler").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
