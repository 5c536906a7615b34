from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "congdoan.skills"
    label = "skills"
    verbose_name = _("Digital skills")

    def ready(self) -> None:
        from congdoan.members import hooks as member_hooks
        from congdoan.org import hooks as org_hooks

        from . import hooks

        org_hooks.register_merge_handler(hooks.move_records_of_merged_unit)
        member_hooks.register_member_merge_handler(hooks.move_records_of_duplicate_member)
