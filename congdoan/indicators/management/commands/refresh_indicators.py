"""``congdoan refresh-indicators``: today's figures (what Celery beat runs every minute)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from congdoan.indicators import snapshots


class Command(BaseCommand):
    help = "Bring today's figures up to date (the once-a-minute job): only changed units where possible."

    def add_arguments(self, parser):
        parser.add_argument(
            "--indicator", action="append", dest="codes", help="only this indicator (repeatable)"
        )
        parser.add_argument("--full", action="store_true", help="recompute every unit")

    def handle(self, *args, **options):
        written = snapshots.refresh(None, options["codes"], incremental=not options["full"])
        for code, n in written.items():
            self.stdout.write(f"{code}: {n} rows written")
