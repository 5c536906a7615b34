from django.utils.translation import gettext_lazy as _

from congdoan.common.navigation import NavItem

ITEMS = [
    NavItem(_("Rights and benefits"), "knowledge:list", roles=None, order=60, icon="book"),
]
