from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "congdoan.indicators"
    label = "indicators"
