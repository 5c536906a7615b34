"""The Content-Security-Policy in a real browser: the federation administrator opens the main
pages of a small demo province, and Chromium reports no violation while the tree's htmx
expansion, the live member search and the dashboard's charts still work.

A violation is caught twice: the ``securitypolicyviolation`` event (collected by a script
injected before any page script) and Chromium's console message ("Refused to …"). Page
errors are collected too, as a blocked script often shows up only as a missing function.
"""

from __future__ import annotations

import io
import threading
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connections
from django.test import override_settings
from django.urls import reverse

from congdoan.common.demo import DEMO_PASSWORD
from congdoan.org.demo import ROOT_CODE
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

# Rows the data migrations seed and the demo needs; an earlier transactional test (of any
# app) has flushed them. (serialized_rollback clashes with the content types that
# post_migrate recreates after a flush.) Both seeds are get_or_create.
SEEDS = (
    "congdoan.documents.migrations.0002_seed_document_types",
    "congdoan.skills.migrations.0002_seed_framework",
)

WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
// htmx with allowEval off refuses hx-on / js: / [filter] code this way, without a CSP report.
document.addEventListener("htmx:evalDisallowedError", (e) => {
  window.__csp.push(`htmx refused to eval on ${e.target.outerHTML.slice(0, 80)}`);
});
"""


@pytest.fixture
def province(db):
    # In a thread of its own: the demo signs documents with pyHanko, which calls
    # asyncio.run(), refused in this thread where Playwright's event loop runs.
    failures = []

    def build():
        try:
            for seed in SEEDS:
                import_module(seed).seed(django_apps, None)
            call_command("demo", units=4, members=40, stdout=io.StringIO())
        except Exception as exc:  # re-raised below, in the test's thread
            failures.append(exc)
        finally:
            connections.close_all()

    worker = threading.Thread(target=build)
    worker.start()
    worker.join()
    if failures:
        raise failures[0]


@pytest.fixture
def watched(page):
    problems: list[str] = []
    page.context.add_init_script(WATCH_VIOLATIONS)
    page.on(
        "console",
        lambda m: (
            problems.append(f"console: {m.text}")
            if m.type == "error" and ("Refused" in m.text or "Content Security Policy" in m.text)
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def check(where: str) -> None:
        reported = page.evaluate("window.__csp || []")
        assert reported + problems == [], where
        problems.clear()

    page.check_csp = check
    return page


def visit(page, path: str) -> None:
    response = page.goto(f"{page.base_url}{path}")
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    page.check_csp(path)


def test_main_pages_run_under_the_policy(watched, province):
    page = watched
    login(page, "federation_admin", DEMO_PASSWORD)
    page.check_csp("login")

    # the tree: htmx loads the children, the static tree.js collapses them again
    visit(page, "/units/")
    toggle = page.locator(f"li[data-code={ROOT_CODE}] > button.toggle")
    toggle.click()
    page.locator(f"li[data-code={ROOT_CODE}] > ul > li").first.wait_for()
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert page.locator(f"li[data-code={ROOT_CODE}] > ul").is_hidden()
    toggle.click()
    assert page.locator(f"li[data-code={ROOT_CODE}] > ul").is_visible()
    page.check_csp("tree expansion")

    # the member list: the live search (htmx) and a member's page
    visit(page, "/members/")
    with page.expect_response(lambda r: "/members/" in r.url and "q=" in r.url):
        page.fill("input[name=q]", "nguyen")
    page.check_csp("member search")
    page.locator("#member-table a[href^='/members/']").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/").split("/")[-1].isdigit()
    page.check_csp("member detail")

    # skills: the movement's pages, a training session with its QR code
    for path in ("/skills/", "/skills/courses/", "/skills/sessions/", "/skills/certificates/"):
        visit(page, path)
    session = page.locator("a[href^='/skills/sessions/']").first
    if session.count():
        session.click()
        page.wait_for_load_state("networkidle")
        page.check_csp("session detail")

    # the dashboard: both charts drawn by Chart.js, bars sized from data-width
    visit(page, f"/indicators/{ROOT_CODE}/")
    page.wait_for_function("Chart.getChart(document.getElementById('series-chart')) !== undefined")
    page.wait_for_function(
        "Chart.getChart(document.getElementById('children-chart')) !== undefined"
    )
    widths = page.eval_on_selector_all(".rank-bar", "bars => bars.map(b => b.style.width)")
    assert widths and all(w.endswith("%") for w in widths)
    assert any(w != "0%" for w in widths)
    page.check_csp("charts")

    visit(page, "/documents/")

    # allauth's two-factor set-up (after it asks for the password again): its QR code is a
    # data: image
    visit(page, reverse("mfa_activate_totp"))
    if "reauthenticate" in page.url:
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state("networkidle")
    assert page.locator("img[src^='data:']").count() == 1
    page.check_csp("two-factor set-up")


def test_api_docs_page_runs_under_the_policy(watched, province):
    page = watched
    login(page, "federation_admin", DEMO_PASSWORD)
    with override_settings(API_DOCS_PUBLIC=False):
        visit(page, "/api/v1/docs")
        page.locator(".swagger-ui .info .title").wait_for()
        assert "Công Đoàn Số API" in page.locator(".swagger-ui .info .title").inner_text()
        page.locator(".opblock").first.wait_for()
        page.check_csp("swagger")
