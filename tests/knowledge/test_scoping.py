"""An article of another subtree answers 404 on every page and endpoint, for reading and
writing alike; a sibling officer's list and search never hold it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from congdoan.knowledge import services
from congdoan.knowledge.models import Article, Vote
from tests.scoping import ScopedRoute, assert_api_hidden, assert_hidden

from .conftest import SYSTEM

ROUTES = [
    ScopedRoute("knowledge:detail", lambda t: f"/knowledge/{t.art_zone.pk}/"),
    ScopedRoute("knowledge:edit", lambda t: f"/knowledge/{t.art_zone.pk}/edit/"),
    ScopedRoute(
        "knowledge:edit",
        lambda t: f"/knowledge/{t.art_zone.pk}/edit/",
        "post",
        {"title": "X", "topic": "policies", "status": "published", "body": "x"},
    ),
    ScopedRoute(
        "knowledge:vote", lambda t: f"/knowledge/{t.art_zone.pk}/vote/", "post", {"useful": "1"}
    ),
    ScopedRoute(
        "knowledge:attachment_add", lambda t: f"/knowledge/{t.art_zone.pk}/attachments/", "post"
    ),
    ScopedRoute("knowledge:attachment", lambda t: f"/knowledge/attachments/{t.attachment.pk}/"),
]

API_ROUTES = [
    lambda t: f"/api/v1/knowledge/{t.art_zone.pk}",
]


@pytest.fixture
def scoped_tree(articles, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    articles.attachment = services.add_attachment(
        SYSTEM, articles.art_zone, SimpleUploadedFile("huong-dan.pdf", b"%PDF-1.4 x")
    )
    return articles


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.name}-{r.method}")
def test_officer_of_another_subtree_gets_404(route, scoped_tree, officer_b, client_for):
    assert_hidden(client_for(officer_b), route.build(scoped_tree), route.method, route.data)
    article = Article.objects.get(pk=scoped_tree.art_zone.pk)
    assert article.title == "Phúc lợi khu công nghiệp" and article.attachments.count() == 1
    assert not Vote.objects.exists()


@pytest.mark.parametrize("build", API_ROUTES)
def test_api_officer_of_another_subtree_gets_404(build, scoped_tree, officer_b, api_client_for):
    assert_api_hidden(api_client_for(officer_b), "get", build(scoped_tree))


def test_a_lower_units_article_is_hidden_from_above_its_own_line(
    scoped_tree, grassroots_a, client_for
):
    """An enterprise article reaches only that enterprise: GR-A1's officer never sees GR-A2's."""
    assert_hidden(client_for(grassroots_a), f"/knowledge/{scoped_tree.art_a2.pk}/")


def test_lists_and_search_hold_nothing_of_another_subtree(
    scoped_tree, officer_b, client_for, api_client_for
):
    page = client_for(officer_b).get("/knowledge/", {"q": "phuc loi"}).content.decode()
    assert "Phúc lợi khu công nghiệp" not in page
    found = api_client_for(officer_b).get("/api/v1/knowledge").json()
    titles = {item["title"] for item in found["items"]}
    assert titles == {"Chế độ thai sản", "Trợ cấp phường Hạ Long"}


def test_nothing_is_public(scoped_tree, client):
    assert client.get("/knowledge/").status_code == 302
    assert client.get(f"/knowledge/{scoped_tree.art_prov.pk}/").status_code == 302
    assert client.get("/api/v1/knowledge").status_code == 401
    assert client.get(f"/api/v1/knowledge/{scoped_tree.art_prov.pk}").status_code == 401
