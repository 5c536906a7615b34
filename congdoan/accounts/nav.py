from django.utils.translation import gettext_lazy as _

from congdoan.common.navigation import NavItem

ITEMS = [
    NavItem(_("API tokens"), "accounts:tokens", order=900, icon="key"),
]
