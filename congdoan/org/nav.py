from django.utils.translation import gettext_lazy as _

from congdoan.common.navigation import NavItem

ITEMS = [
    NavItem(_("Organisation"), "org:tree", order=10, icon="diagram-3"),
]
