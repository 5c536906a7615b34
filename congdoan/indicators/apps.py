"""Indicators: definitions, targets, rollups, snapshots and dashboards."""

from django.apps import AppConfig

from .registry import discover


class IndicatorsConfig(AppConfig):
    name = "congdoan.indicators"
    label = "indicators"

    def ready(self) -> None:
        # The admin pattern: every app's indicators.py registers its definitions.
        discover()
