from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "congdoan.members"
    label = "members"
