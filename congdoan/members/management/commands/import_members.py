"""``congdoan import-members FILE --unit CODE [--dry-run] [--user USERNAME]``."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from congdoan.common.spreadsheets import UnreadableFile
from congdoan.common.uploads import UploadRefused
from congdoan.members import importing
from congdoan.org.models import Unit


class Command(BaseCommand):
    help = "Import members from a spreadsheet (.xlsx, .xls, .ods, .csv) into a grassroots union."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--unit", required=True, help="code of the grassroots union (or union group)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--user", help="act as this user (scope and history); default: the system"
        )
        parser.add_argument("--errors", type=int, default=50, help="how many row errors to print")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        unit = Unit.objects.filter(code=options["unit"].strip().upper()).first()
        if unit is None:
            raise CommandError(f"No unit with code {options['unit']}")
        if options.get("user"):
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['user']}")
        else:
            # The operator at the console acts for the system: every scope, no history user.
            actor = get_user_model()(username="system", is_superuser=True, is_active=True)
        done = {"n": 0}

        def progress(n):
            done["n"] = n
            if self.stdout.isatty():
                self.stdout.write(f"\r{n} rows…", ending="")

        try:
            importer = importing.Importer(
                actor, unit, dry_run=options["dry_run"], progress=progress
            )
            summary = importer.run(str(path), path.name)
        except (UnreadableFile, UploadRefused, PermissionDenied, Http404) as exc:
            raise CommandError(str(exc) or "Not allowed") from exc
        if self.stdout.isatty():
            self.stdout.write("")
        mode = "dry run" if options["dry_run"] else "imported"
        self.stdout.write(
            f"{mode}: {summary.total} rows (header row {importer.header_row}): {summary.created} new, "
            f"{summary.updated} updated, {summary.unchanged} unchanged, {summary.rejected} rejected"
        )
        for error in summary.errors[: options["errors"]]:
            self.stdout.write(f"  row {error['row']} · {error['column']}: {error['message']}")
        if len(summary.errors) > options["errors"]:
            self.stdout.write(f"  … and {len(summary.errors) - options['errors']} more")
