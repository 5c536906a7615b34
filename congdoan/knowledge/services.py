"""Writing articles: each operation checks scope and runs in one transaction.

Only an administrator or officer of the owning unit (or a unit above it) writes an article;
anyone who may read an article may say whether it was useful.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congdoan.accounts.models import AnyUser
from congdoan.common.errors import not_found
from congdoan.common.text import fold
from congdoan.common.uploads import check_size, refused_as, removed_on_failure
from congdoan.org.choices import UNIT_EDITORS
from congdoan.org.models import Unit
from congdoan.org.scoping import has_role_on

from . import queries
from .choices import ArticleStatus
from .models import Article, Attachment, Vote

EDITABLE_FIELDS = ("title", "body", "topic", "status", "effective_from", "effective_to")


def can_edit(user: AnyUser, unit: Unit) -> bool:
    return has_role_on(user, unit, UNIT_EDITORS)


def _check_unit(user: AnyUser, unit: Unit) -> None:
    """A unit out of the user's scope is not found; one in scope needs an editor's role."""
    if not Unit.objects.visible_to(user).filter(pk=unit.pk).exists():
        raise not_found()
    _check_editor(user, unit)


def _check_editor(user: AnyUser, unit: Unit) -> None:
    """The user reads the article already (an ancestor's, say): writing it needs a role there."""
    if not can_edit(user, unit):
        raise PermissionDenied(_("Only the unit's administrators and officers edit its articles."))


def _check_dates(effective_from: date | None, effective_to: date | None) -> None:
    if effective_from and effective_to and effective_to < effective_from:
        raise ValidationError({"effective_to": _("The end date comes before the start date.")})


def search_text_of(title: str, body: str) -> str:
    return f"{fold(title)} {fold(body)}".strip()


@transaction.atomic
def create_article(actor: AnyUser, unit: Unit, **fields) -> Article:
    """A new article of ``unit`` (a draft unless ``status`` says otherwise)."""
    _check_unit(actor, unit)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not article fields: {sorted(unknown)}")
    _check_dates(fields.get("effective_from"), fields.get("effective_to"))
    article = Article(unit=unit, created_by=actor if actor.pk else None, **fields)
    article.search_text = search_text_of(article.title, article.body)
    article._change_reason = _("Created")
    article.save()
    return article


@transaction.atomic
def update_article(actor: AnyUser, article: Article, **fields) -> Article:
    """Change an article; the version before stays in its history."""
    article = queries.visible_article(actor, article.pk)
    _check_editor(actor, article.unit)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"not an article field: {name}")
        setattr(article, name, value)
    _check_dates(article.effective_from, article.effective_to)
    article.search_text = search_text_of(article.title, article.body)
    article.updated_at = timezone.now()
    article.save()
    return article


def publish(actor: AnyUser, article: Article) -> Article:
    return update_article(actor, article, status=ArticleStatus.PUBLISHED)


@transaction.atomic
def add_attachment(actor: AnyUser, article: Article, upload) -> Attachment:
    """Attach a file, held to ``UPLOAD_MAX_BYTES`` before anything is stored."""
    article = queries.visible_article(actor, article.pk)
    _check_editor(actor, article.unit)
    with refused_as("file"):
        size = check_size(upload)
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    attachment = Attachment(article=article, name=name, size=size)
    with removed_on_failure() as stored:
        attachment.file.save(name, upload, save=False)
        stored(attachment.file)
        attachment.save()
    return attachment


@transaction.atomic
def remove_attachment(actor: AnyUser, attachment: Attachment) -> None:
    article = queries.visible_article(actor, attachment.article_id)
    _check_editor(actor, article.unit)
    attachment.file.delete(save=False)
    attachment.delete()


@transaction.atomic
def vote(actor: AnyUser, article: Article, useful: bool) -> Article:
    """Record the reader's "was this useful?" (one per reader, the last answer counts) and
    return the article with its counts recomputed."""
    article = queries.visible_article(actor, article.pk)
    if article.status != ArticleStatus.PUBLISHED:
        raise not_found()
    Vote.objects.update_or_create(article=article, user=actor, defaults={"useful": useful})
    counts = Vote.objects.filter(article=article).aggregate(
        yes=Count("pk", filter=Q(useful=True)), no=Count("pk", filter=Q(useful=False))
    )
    Article.objects.filter(pk=article.pk).update(
        useful_count=counts["yes"], not_useful_count=counts["no"]
    )
    article.useful_count, article.not_useful_count = counts["yes"], counts["no"]
    return article
