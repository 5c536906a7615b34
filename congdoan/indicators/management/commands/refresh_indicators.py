"""``congdoan refresh-indicators``: today's figures (what Celery beat runs every minute)."""

from __future__ import annotations

from .snapshot_indicators import Command as SnapshotCommand


class Command(SnapshotCommand):
    help = "Recompute today's figures of every indicator (the once-a-minute refresh)."

    def add_arguments(self, parser):
        parser.add_argument("--indicator", action="append", dest="codes", help="only this indicator (repeatable)")

    def handle(self, *args, **options):
        options["date"] = None
        return super().handle(*args, **options)
