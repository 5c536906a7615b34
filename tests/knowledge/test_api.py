"""``/api/v1/knowledge``: paginated, searched without accents, topic filter, one article."""

from __future__ import annotations

from congdoan.knowledge import services

from .conftest import SYSTEM


def test_search_list(articles, grassroots_a, api_client_for):
    data = api_client_for(grassroots_a).get("/api/v1/knowledge", {"q": "che do thai san"}).json()
    assert data["count"] == 1
    [item] = data["items"]
    assert item["title"] == "Chế độ thai sản" and item["topic"] == "regimes"
    assert item["unit_name"] == "Liên đoàn Lao động tỉnh Quảng Ninh"


def test_topic_filter_and_pages(articles, officer_a, api_client_for):
    client = api_client_for(officer_a)
    data = client.get("/api/v1/knowledge", {"topic": "collective_agreement"}).json()
    assert {i["title"] for i in data["items"]} == {
        "Thỏa ước Hoà Bình",
        "Thỏa ước lao động tập thể Đông Bắc",
    }
    page = client.get("/api/v1/knowledge", {"limit": 2, "offset": 2}).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    assert client.get("/api/v1/knowledge", {"topic": "nonsense"}).status_code == 422


def test_one_article_with_body_and_attachments(
    articles, grassroots_a, api_client_for, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    services.add_attachment(SYSTEM, articles.art_prov, SimpleUploadedFile("qd.pdf", b"%PDF-1.4"))
    services.vote(grassroots_a, articles.art_prov, True)
    response = api_client_for(grassroots_a).get(f"/api/v1/knowledge/{articles.art_prov.pk}")
    data = response.json()
    assert response.status_code == 200
    assert data["body"] == "Lao động nữ được nghỉ sinh con 6 tháng."
    assert data["attachments"] == [
        {"id": data["attachments"][0]["id"], "name": "qd.pdf", "size": 8}
    ]
    assert data["useful_count"] == 1


def test_a_draft_above_and_a_missing_id_are_404(articles, officer_a, api_client_for):
    client = api_client_for(officer_a)
    assert client.get(f"/api/v1/knowledge/{articles.draft_prov.pk}").status_code == 404
    assert client.get("/api/v1/knowledge/999999").status_code == 404


def test_list_queries_do_not_grow(tree, officer_a, api_client_for, django_assert_max_num_queries):
    from .conftest import make_article

    for i in range(25):
        make_article(tree.zone, f"Bài {i}")
    client = api_client_for(officer_a)
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/knowledge?limit=25").json()["items"]) == 25
