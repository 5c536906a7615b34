"""``congdoan snapshot-indicators [--date D] [--indicator CODE ...]``: compute and store figures."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from congdoan.indicators import snapshots


class Command(BaseCommand):
    help = "Compute every indicator for one date (today by default) and store the changes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=date.fromisoformat, help="YYYY-MM-DD; past dates need history"
        )
        parser.add_argument(
            "--indicator", action="append", dest="codes", help="only this indicator (repeatable)"
        )

    def handle(self, *args, **options):
        try:
            written = snapshots.refresh(options["date"], options["codes"])
        except (KeyError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        for code, n in written.items():
            self.stdout.write(f"{code}: {n} rows written")
