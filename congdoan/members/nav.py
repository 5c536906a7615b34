"""The member registry's menu entry."""

from django.utils.translation import gettext_lazy as _

from congdoan.common.navigation import NavItem
from congdoan.org.choices import ALL_ROLES

ITEMS = [
    NavItem(_("Members"), "members:list", roles=ALL_ROLES, order=20, icon="people"),
]
