"""The knowledge pages: list with search and topic, an article with votes and attachments,
writing one; Vietnamese first, English on request."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from congdoan.knowledge.models import Article, Vote


def test_list_searches_without_accents(articles, grassroots_a, client_for):
    page = client_for(grassroots_a).get("/knowledge/", {"q": "che do thai san"})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="article"') == 1 and "Chế độ thai sản" in html
    assert "Chính sách, chế độ, quyền lợi" in html  # Vietnamese first


def test_list_in_english(articles, grassroots_a, client_for):
    client = client_for(grassroots_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/knowledge/").content.decode()
    assert "Rights and benefits" in html


def test_topic_filter_and_bad_topic(articles, officer_a, client_for):
    client = client_for(officer_a)
    html = client.get("/knowledge/", {"topic": "welfare"}).content.decode()
    assert "Phúc lợi khu công nghiệp" in html and "Chế độ thai sản" not in html
    assert client.get("/knowledge/", {"topic": "nonsense"}).status_code == 200


def test_list_queries_do_not_grow(tree, officer_a, client_for, django_assert_max_num_queries):
    from .conftest import make_article

    for i in range(30):
        make_article(tree.zone, f"Bài {i}")
    client = client_for(officer_a)
    client.get("/knowledge/")
    with django_assert_max_num_queries(12):
        assert client.get("/knowledge/").status_code == 200


def test_article_page_and_vote(articles, grassroots_a, client_for):
    client = client_for(grassroots_a)
    url = f"/knowledge/{articles.art_prov.pk}/"
    html = client.get(url).content.decode()
    assert "Lao động nữ được nghỉ sinh con 6 tháng." in html and 'data-testid="useful-yes"' in html
    assert "/edit/" not in html  # a grassroots officer does not edit the province's article
    assert client.post(f"{url}vote/", {"useful": "1"}).status_code == 302
    assert Vote.objects.get().useful is True
    assert client.get(f"{url}edit/").status_code == 403


def test_body_is_escaped(tree, admin_user, client_for):
    from .conftest import make_article

    article = make_article(tree.prov, "Mẫu", "<script>alert(1)</script>")
    html = client_for(admin_user).get(f"/knowledge/{article.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_officer_creates_and_edits(tree, officer_a, client_for):
    client = client_for(officer_a)
    assert client.get("/knowledge/new/").status_code == 200
    response = client.post(
        "/knowledge/new/",
        {
            "unit": tree.gr_a1.pk,
            "title": "Chế độ ốm đau",
            "topic": "regimes",
            "status": "published",
            "body": "Nghỉ 30 ngày",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/knowledge/{article.pk}/"
    assert article.unit == tree.gr_a1 and article.search_text == "che do om dau nghi 30 ngay"
    response = client.post(
        f"/knowledge/{article.pk}/edit/",
        {"title": "Chế độ ốm đau 2026", "topic": "regimes", "status": "published", "body": "x"},
    )
    assert response.status_code == 302
    assert Article.objects.get().title == "Chế độ ốm đau 2026"
    assert Article.objects.get().history.count() == 2


def test_create_offers_only_units_in_scope(tree, officer_a, client_for):
    response = client_for(officer_a).post(
        "/knowledge/new/",
        {"unit": tree.ward.pk, "title": "X", "topic": "regimes", "status": "draft"},
    )
    assert response.status_code == 200 and not Article.objects.exists()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return settings


def test_attach_and_download(articles, officer_a, client_for, media):
    client = client_for(officer_a)
    url = f"/knowledge/{articles.art_zone.pk}/attachments/"
    client.post(url, {"file": SimpleUploadedFile("mau-don.pdf", b"%PDF-1.4 mau")})
    attachment = articles.art_zone.attachments.get()
    response = client.get(f"/knowledge/attachments/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 mau"
    media.UPLOAD_MAX_BYTES = 10
    client.post(url, {"file": SimpleUploadedFile("big.pdf", b"x" * 100)})
    assert articles.art_zone.attachments.count() == 1
