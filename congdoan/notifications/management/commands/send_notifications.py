"""``congdoan send-notifications``: send the deliveries that are due (what Celery beat does
every minute), for installations without Celery, from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from congdoan.notifications.sending import deliver, due_deliveries


class Command(BaseCommand):
    help = "Send the notification deliveries due for a try, and those left by a dead worker."

    def handle(self, *args: Any, **options: Any) -> None:
        due = due_deliveries()
        for pk in due:
            deliver(pk)
        self.stdout.write(f"{len(due)} deliveries tried")
