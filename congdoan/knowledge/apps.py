"""The knowledge base app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "congdoan.knowledge"
    label = "knowledge"
    verbose_name = _("Rights and benefits")
