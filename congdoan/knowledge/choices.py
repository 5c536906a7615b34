"""Choices of the knowledge base."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    POLICIES = "policies", _("Policies")
    REGIMES = "regimes", _("Regimes")
    BENEFITS = "benefits", _("Benefits")
    COLLECTIVE_AGREEMENT = "collective_agreement", _("Collective labour agreement")
    WELFARE = "welfare", _("Union welfare")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
