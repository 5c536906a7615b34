"""The paperless office entry of the main menu."""

from django.utils.translation import gettext_lazy as _

from congdoan.common.navigation import NavItem
from congdoan.org.choices import ALL_ROLES

ITEMS = [
    NavItem(_("Documents"), "documents:list", roles=ALL_ROLES, order=40, icon="file-earmark-text"),
]
