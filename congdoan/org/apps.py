from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "congdoan.org"
    label = "org"
