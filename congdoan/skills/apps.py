"""The skills app: registers what skills records do when units merge or duplicate members
are folded (``skills.hooks``)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from congdoan.members import hooks as member_hooks
from congdoan.org import hooks as org_hooks


class SkillsConfig(AppConfig):
    name = "congdoan.skills"
    label = "skills"
    verbose_name = _("Digital skills")

    def ready(self) -> None:
        # Imported here, not at the top: it imports the models, which are not loaded yet
        # when Django imports this module.
        from . import hooks, queries

        org_hooks.register_merge_handler(hooks.move_records_of_merged_unit)
        org_hooks.register_waiting_counter(queries.waiting_for)
        member_hooks.register_member_merge_handler(hooks.move_records_of_duplicate_member)
