"""Reading articles: the scoped door (``Article.objects.visible_to``) and the search.

Search is over ``search_text`` (title and body folded by ``common.text.fold``: no accents,
lower case, đ → d), so "che do thai san" finds "Chế độ thai sản" on both databases:

- PostgreSQL: full-text search on ``search_vector``, the column PostgreSQL generates as
  ``to_tsvector('simple', search_text)`` (migration 0003) with its GIN index, each word ANDed, the last one a prefix (``san:*``, for
  search-as-you-type), ranked by ``ts_rank``;
- SQLite (and any other): every word as a folded ``LIKE`` over the same column, ranked by
  whether the text holds the words as one phrase, then by recency.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from congdoan.accounts.models import AnyUser
from congdoan.common.errors import visible_or_404
from congdoan.common.text import fold

from .models import Article, Vote

# The stored tsvector (PostgreSQL only, migration 0003: not a model field), GIN-indexed.
TSVECTOR_SQL = "knowledge_article.search_vector"
_WORD = re.compile(r"[a-z0-9]+")


def search_words(q: str) -> list[str]:
    """The folded words of a query (punctuation and tsquery operators dropped)."""
    return _WORD.findall(fold(q))


def tsquery_text(words: list[str]) -> str:
    """``che & do & thai & san:*``: every word, the last one as a prefix."""
    return " & ".join([*words[:-1], f"{words[-1]}:*"])


def search(articles: QuerySet[Article], q: str) -> QuerySet[Article]:
    """``articles`` matching every word of ``q``, best first (unchanged for a blank ``q``)."""
    words = search_words(q)
    if not words:
        return articles
    if connection.vendor == "postgresql":
        query = tsquery_text(words)
        return (
            articles.extra(  # noqa: S610 - the query is a bound parameter
                where=[f"{TSVECTOR_SQL} @@ to_tsquery('simple', %s)"], params=[query]
            )
            .annotate(
                rank=RawSQL(
                    f"ts_rank({TSVECTOR_SQL}, to_tsquery('simple', %s))",
                    (query,),
                    output_field=FloatField(),
                )
            )
            .order_by("-rank", "-updated_at", "-id")
        )
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    phrase = " ".join(words)
    return (
        articles.filter(condition)
        .annotate(
            rank=RawSQL(
                "CASE WHEN instr(search_text, %s) > 0 THEN 1.0 ELSE 0.0 END",
                (phrase,),
                output_field=FloatField(),
            )
        )
        .order_by(F("rank").desc(), "-updated_at", "-id")
    )


def articles_for(
    user: AnyUser, *, q: str = "", topic: str = "", published_only: bool = False
) -> QuerySet[Article]:
    """What ``user`` may read, filtered by topic and searched."""
    found = Article.objects.visible_to(user).select_related("unit")
    if published_only:
        found = found.published()
    if topic:
        found = found.filter(topic=topic)
    return search(found, q)


def visible_article(user: AnyUser, pk: int) -> Article:
    """The article ``pk`` if ``user`` may read it, else the common 404."""
    return visible_or_404(Article.objects.visible_to(user).select_related("unit"), pk=pk)


def vote_of(user: AnyUser, article: Article) -> bool | None:
    """The user's answer to "was this useful?" on ``article`` (None before they answered)."""
    return Vote.objects.filter(article=article, user=user).values_list("useful", flat=True).first()
