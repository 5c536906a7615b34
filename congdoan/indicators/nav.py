"""The indicators entry of the main menu."""

from django.utils.translation import gettext_lazy as _

from congdoan.common.navigation import NavItem
from congdoan.org.choices import ALL_ROLES

ITEMS = [
    NavItem(_("Indicators"), "indicators:home", roles=ALL_ROLES, order=30, icon="graph-up-arrow"),
]
