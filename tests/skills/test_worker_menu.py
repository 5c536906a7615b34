"""A worker (an account without any role) is shown only what is theirs: no API tokens, no
two-factor setup, no member list or export, no officer tabs of the skills pages; the member
list and the officers' skills pages are refused to them. Officers keep all of it."""

from __future__ import annotations

import pytest

from tests.conftest import make_user

OFFICER_LINKS = (
    "/account/tokens/",
    "/accounts/2fa/",
    "/members/",
    "/members/export",
    "/skills/sessions/",
    "/skills/courses/",
    "/skills/certificates/",
)


@pytest.fixture
def worker(db):
    return make_user("worker", full_name="Lê Văn Hùng")


@pytest.mark.parametrize("url", ["/", "/skills/me/"])
def test_worker_pages_and_menu_have_no_officer_links(client, worker, url):
    client.force_login(worker)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for link in OFFICER_LINKS:
        assert f'href="{link}' not in body, link
    assert 'href="/skills/me/"' in body and "/accounts/password/change/" in body


@pytest.mark.parametrize("url", ["/members/", "/members/export.csv", "/members/export.xlsx"])
def test_member_list_is_refused_to_a_worker(client, worker, url):
    client.force_login(worker)
    assert client.get(url).status_code in (403, 404)


def test_api_tokens_page_is_not_a_workers(client, worker):
    client.force_login(worker)
    assert client.get("/account/tokens/").status_code == 404
    assert client.post("/account/tokens/", {"name": "x"}).status_code == 404
    assert not worker.api_tokens.exists()


def test_skills_overview_sends_a_worker_to_their_own_page(client, worker):
    client.force_login(worker)
    response = client.get("/skills/")
    assert response.status_code == 302 and response["Location"] == "/skills/me/"
    for url in ("/skills/sessions/", "/skills/courses/", "/skills/certificates/"):
        assert client.get(url).status_code == 403, url


def test_officer_keeps_the_officer_links(client_for, officer_a):
    body = client_for(officer_a).get("/skills/").content.decode()
    for link in ("/account/tokens/", "/accounts/2fa/", "/skills/sessions/"):
        assert f'href="{link}' in body, link
    assert client_for(officer_a).get("/members/").status_code == 200
