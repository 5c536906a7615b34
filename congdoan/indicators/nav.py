from django.utils.translation import gettext_lazy as _

from congdoan.common.navigation import NavItem

ITEMS = [
    NavItem(_("Indicators"), "indicators:home", order=40, icon="graph-up-arrow"),
]
