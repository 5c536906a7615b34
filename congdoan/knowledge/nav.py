from django.utils.translation import pgettext_lazy

from congdoan.common.navigation import NavItem

ITEMS = [
    NavItem(pgettext_lazy("menu", "Rights"), "knowledge:list", roles=None, order=60, icon="book"),
]
