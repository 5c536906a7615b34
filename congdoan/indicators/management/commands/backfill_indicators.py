"""``congdoan backfill-indicators --from D --to D [--step N]``: past figures from history."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from congdoan.indicators import registry, snapshots


class Command(BaseCommand):
    help = "Recompute figures of past dates for the indicators whose data keeps history."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
        parser.add_argument("--to", dest="end", type=date.fromisoformat)
        parser.add_argument("--step", type=int, default=1, help="days between computed dates")
        parser.add_argument(
            "--indicator", action="append", dest="codes", help="only this indicator (repeatable)"
        )

    def handle(self, *args, **options):
        end = options["end"] or timezone.localdate() - timedelta(days=1)
        if options["start"] > end:
            raise CommandError("--from must be on or before --to")
        if options["step"] < 1:
            raise CommandError("--step must be at least 1")
        codes = options["codes"]
        try:
            skipped = (
                [i.code for i in registry.all_indicators() if not i.history] if not codes else []
            )
            n = snapshots.backfill(options["start"], end, options["step"], codes)
        except (KeyError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{n} dates computed from {options['start']} to {end}")
        if skipped:
            self.stdout.write("without history, skipped: " + ", ".join(skipped))
