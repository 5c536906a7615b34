"""The skills entries of the main menu."""

from django.utils.translation import gettext_lazy as _

from congdoan.common.navigation import NavItem
from congdoan.org.choices import ALL_ROLES

ITEMS = [
    NavItem(_("Digital skills"), "skills:home", roles=ALL_ROLES, order=40, icon="mortarboard"),
    NavItem(_("My skills"), "skills:my_skills", roles=None, order=90, icon="award"),
]
