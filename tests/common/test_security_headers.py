"""Every page carries a Content-Security-Policy that forbids inline script; the API's
documentation and schema are public only where the setting says so.

The browser side (no violation is reported on the main pages, charts and htmx still work)
is in ``tests/e2e/test_csp.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import override_settings

import congdoan

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"


def directives(response) -> dict[str, list[str]]:
    policy = response[HEADER]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_login_page_has_strict_policy(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "unsafe" not in response[HEADER]


@pytest.mark.parametrize("path", ["/units/", "/members/", "/documents/"])
def test_officer_pages_have_policy(client_for, admin_user, path):
    response = client_for(admin_user).get(path)
    assert response.status_code == 200
    assert directives(response)["script-src"] == ["'self'"]


def test_htmx_fragment_and_json_have_policy(client_for, admin_user, tree):
    client = client_for(admin_user)
    fragment = client.get(f"/units/{tree.prov.code}/children/", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and HEADER in fragment
    assert HEADER in client.get("/healthz")


def test_error_pages_have_policy(client_for, officer_b, tree):
    # 404 for an out-of-scope unit: the page is still ours and still protected
    response = client_for(officer_b).get(f"/units/{tree.gr_a1.code}/")
    assert response.status_code == 404
    assert HEADER in response


def test_policy_is_a_setting(client):
    with override_settings(CONTENT_SECURITY_POLICY={"default-src": ["'none'"]}):
        assert client.get("/accounts/login/")[HEADER] == "default-src 'none'"


def test_htmx_may_not_eval_nor_inject_styles(client):
    html = client.get("/accounts/login/").content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'', html)
    assert config, "htmx config meta missing"
    assert '"allowEval": false' in config.group(1)
    assert '"includeIndicatorStyles": false' in config.group(1)


# Served templates only: the PDF templates (WeasyPrint) never reach a browser.
PDF_TEMPLATES = {"certificate_pdf.html", "report.html"}
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|\son[a-z]+\s*="
    r"|\bhx-on"
    r"|javascript:"
    r"|\sstyle\s*="
    r"|<style",
    re.IGNORECASE,
)


def test_no_template_has_inline_script_handler_or_style():
    """A static guard for the pages the browser test does not open: anything inline would
    be blocked by the policy (and so silently not work)."""
    root = Path(congdoan.__file__).parent
    offenders = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if template.name in PDF_TEMPLATES and "@page" in text:
            continue
        offenders += [
            f"{template.relative_to(root)}: {m.group(0).strip()}" for m in INLINE.finditer(text)
        ]
    assert offenders == []


# --- API documentation -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/openapi.json"])
@override_settings(API_DOCS_PUBLIC=True)
def test_api_docs_public_when_setting_on(client, path):
    assert client.get(path).status_code == 200


@override_settings(API_DOCS_PUBLIC=False)
def test_api_docs_page_sends_anonymous_to_login(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/api/v1/docs")


@override_settings(API_DOCS_PUBLIC=False)
def test_api_schema_refuses_anonymous(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Hãy đăng nhập trước: cần phiên đăng nhập hoặc mã API."}


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/openapi.json"])
@override_settings(API_DOCS_PUBLIC=False)
def test_api_docs_open_to_signed_in_user(client_for, no_role_user, path):
    assert client_for(no_role_user).get(path).status_code == 200


@override_settings(API_DOCS_PUBLIC=False)
def test_api_schema_open_to_bearer_token(api_client_for, no_role_user):
    response = api_client_for(no_role_user).get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Công Đoàn Số API"


@override_settings(API_DOCS_PUBLIC=False)
def test_api_schema_refuses_bad_bearer_token(client):
    response = client.get("/api/v1/openapi.json", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_api_docs_default_follows_debug():
    from congdoan import settings as project_settings

    assert project_settings.API_DOCS_PUBLIC == project_settings.DEBUG


def test_api_docs_page_is_served_from_our_origin(client):
    with override_settings(API_DOCS_PUBLIC=True):
        response = client.get("/api/v1/docs")
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert directives(response)["script-src"] == ["'self'"]
