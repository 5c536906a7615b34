from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "congdoan.common"
    label = "common"
