"""The member registry's app: registers what members do when the org tree changes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "congdoan.members"
    label = "members"
    verbose_name = _("Member registry")

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which are not loaded yet when
        # Django imports this module.
        from congdoan.org import hooks

        from . import queries, services

        hooks.register_merge_handler(services.move_members_of_merged_unit)
        hooks.register_emptiness_check(queries.unit_has_active_members)
        hooks.register_unit_counter(queries.member_count)
        hooks.register_waiting_counter(queries.waiting_for)
