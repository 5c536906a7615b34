"""Accent- and case-insensitive search, ranked, on whichever database the suite runs on
(SQLite by default, PostgreSQL with DATABASE_URL): "che do thai san" finds "Chế độ thai sản"."""

from __future__ import annotations

import pytest
from django.db import connection

from congdoan.knowledge import queries
from congdoan.knowledge.choices import Topic
from congdoan.knowledge.models import Article

from .conftest import make_article


def found(user, q, **kw) -> list[str]:
    return [a.title for a in queries.articles_for(user, q=q, **kw)]


@pytest.mark.parametrize(
    "q", ["che do thai san", "CHẾ ĐỘ THAI SẢN", "Chế độ thai sản", "thai san", "nghi sinh con"]
)
def test_search_ignores_accents_and_case(articles, grassroots_a, q):
    assert found(grassroots_a, q) == ["Chế độ thai sản"]


def test_the_last_word_is_a_prefix(articles, grassroots_a):
    assert found(grassroots_a, "che do thai s") == ["Chế độ thai sản"]
    assert found(grassroots_a, "thoa uoc") == ["Thỏa ước lao động tập thể Đông Bắc"]


def test_every_word_must_match(articles, grassroots_a):
    assert found(grassroots_a, "thai san khu cong nghiep") == []


def test_search_stays_in_scope(articles, officer_b):
    assert found(officer_b, "thoa uoc") == []


def test_punctuation_and_operators_are_only_text(articles, grassroots_a):
    assert found(grassroots_a, "thai & san | !( :*") == ["Chế độ thai sản"]
    assert found(grassroots_a, "   ") == found(grassroots_a, "")


def test_duong_finds_đường(tree, admin_user):
    make_article(tree.prov, "Chi phí đi đường công tác")
    assert found(admin_user, "duong") == ["Chi phí đi đường công tác"]


def test_topic_filter(articles, officer_a):
    assert found(officer_a, "", topic=Topic.COLLECTIVE_AGREEMENT) == [
        "Thỏa ước Hoà Bình",
        "Thỏa ước lao động tập thể Đông Bắc",
    ]


def test_ranked_the_phrase_first(tree, admin_user):
    make_article(tree.prov, "Hỏi đáp", "Về thai sản: chế độ nghỉ và chế độ ốm đau.")
    make_article(tree.prov, "Chế độ thai sản cho lao động nữ", "Chế độ thai sản.")
    make_article(tree.prov, "Tin tức", "Ngày hội")
    assert found(admin_user, "che do thai san") == [
        "Chế độ thai sản cho lao động nữ",
        "Hỏi đáp",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's full-text search")
def test_postgresql_answers_from_the_gin_index(articles, admin_user):
    from django.db import connection as conn

    qs = queries.search(Article.objects.all(), "che do thai san")
    sql, params = qs.query.sql_with_params()
    with conn.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "knowledge_article_search_gin" in plan, plan


def test_search_text_follows_edits(articles, admin_user):
    from congdoan.knowledge import services

    services.update_article(admin_user, articles.art_prov, title="Chế độ ốm đau")
    assert found(admin_user, "om dau") == ["Chế độ ốm đau"]
    assert found(admin_user, "che do thai san") == []
    assert Article.objects.get(pk=articles.art_prov.pk).search_text.startswith("che do om dau")
