"""Articles, their attachments and their "was this useful?" votes."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congdoan.accounts.models import AnyUser
from congdoan.org.paths import ancestor_paths
from congdoan.org.scoping import UnitScopedQuerySet, scope_paths, scope_q

from .choices import ArticleStatus, Topic


class ArticleQuerySet(UnitScopedQuerySet):
    def visible_to(self, user: AnyUser | None, roles=None) -> Self:  # noqa: ARG002
        """The one door: articles of units in the user's scope (officers read drafts there too)
        and published articles of their units' ancestors: a province article reaches everyone
        below the province, an enterprise article only that enterprise."""
        paths = scope_paths(user)
        if paths is None:
            return self.all()
        if not paths:
            return self.none()
        above = {a for path in paths for a in ancestor_paths(path)}
        return self.filter(
            scope_q(user, self.scope_path)
            | Q(unit__path__in=sorted(above), status=ArticleStatus.PUBLISHED)
        )

    def published(self) -> Self:
        return self.filter(status=ArticleStatus.PUBLISHED)

    def in_force(self, day=None) -> Self:
        day = day or timezone.localdate()
        return self.filter(
            Q(effective_from__isnull=True) | Q(effective_from__lte=day),
            Q(effective_to__isnull=True) | Q(effective_to__gte=day),
        )


class Article(models.Model):
    """A text on workers' rights owned by a unit and read by its whole subtree."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="articles", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("content"), blank=True)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    # fold(title + body): what both databases search (PostgreSQL through a tsvector of it).
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    useful_count = models.PositiveIntegerField(_("useful"), default=0, editable=False)
    not_useful_count = models.PositiveIntegerField(_("not useful"), default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["search_text", "useful_count", "not_useful_count"])
    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"], name="article_unit_status")]

    def __str__(self) -> str:
        return self.title


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"knowledge/{instance.article_id}/{filename}"


class Attachment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Vote(models.Model):
    """One user's answer to "was this useful?" on one article (changeable, never doubled)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    useful = models.BooleanField(_("useful"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="vote_once")]

    def __str__(self) -> str:
        return f"{self.article_id}/{self.user_id}: {self.useful}"
