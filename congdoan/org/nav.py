from django.utils.translation import gettext_lazy as _

from congdoan.common.navigation import NavItem

from .choices import ALL_ROLES

ITEMS = [
    NavItem(_("Organisation"), "org:tree", roles=ALL_ROLES, order=10, icon="diagram-3"),
]
