"""The notification centre app."""

from django.apps import AppConfig

from .kinds import discover


class NotificationsConfig(AppConfig):
    name = "congdoan.notifications"
    label = "notifications"

    def ready(self) -> None:
        # The admin pattern: every app's notifications.py registers its kinds.
        discover()
