"""``/api/v1/knowledge``: the articles the caller may read, searched without accents."""

from datetime import date, datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from congdoan.common.api_schemas import Page, responses

from . import queries
from .choices import Topic
from .models import Article

router = Router(tags=["knowledge"])


class AttachmentOut(Schema):
    id: int
    name: str
    size: int


class ArticleOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    title: str
    topic: Topic
    status: str
    effective_from: date | None
    effective_to: date | None
    useful_count: int
    not_useful_count: int
    updated_at: datetime

    @staticmethod
    def resolve_unit_name(obj: Article) -> str:
        return obj.unit.name


class ArticleDetailOut(ArticleOut):
    body: str
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Article) -> list:
        return list(obj.attachments.all())


@router.get("", response=responses({200: list[ArticleOut]}, 400, 401, 403, 422))
@paginate(Page)
def list_articles(
    request: HttpRequest, q: str = "", topic: Topic | None = None
) -> QuerySet[Article]:
    """Articles the caller may read; ``q`` searches title and body without accents, best first."""
    return queries.articles_for(request.user, q=q, topic=topic or "")


@router.get("/{article_id}", response=responses({200: ArticleDetailOut}, 401, 403, 404, 422))
def get_article(request: HttpRequest, article_id: int) -> Article:
    return queries.visible_article(request.user, article_id)
