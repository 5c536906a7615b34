from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "congdoan.members"
    label = "members"
    verbose_name = _("Member registry")

    def ready(self) -> None:
        from congdoan.org import hooks

        from . import services

        hooks.register_merge_handler(services.move_members_of_merged_unit)
        hooks.register_emptiness_check(services.unit_has_active_members)
        hooks.register_unit_counter(services.member_count)
