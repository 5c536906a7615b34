"""``congdoan import-skill-records FILE``: attendance sheets of sessions held offline."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from congdoan.common.errors import NotAllowed, OutOfScope
from congdoan.common.spreadsheets import UnreadableFile
from congdoan.skills.importing import import_skill_records


class Command(BaseCommand):
    help = (
        "Import attendance (and optionally skill records) from a spreadsheet of an offline session."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx, .xls, .ods or .csv")
        parser.add_argument(
            "--user", required=True, help="username of the officer importing (scope and audit)"
        )
        parser.add_argument("--session", help="session code, when the sheet has no session column")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        actor = get_user_model().objects.filter(username=options["user"]).first()
        if actor is None:
            raise CommandError(f"no user {options['user']}")
        try:
            result = import_skill_records(
                actor, path, path.name, session_code=options["session"], dry_run=options["dry_run"]
            )
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from exc
        except (OutOfScope, NotAllowed) as exc:
            raise CommandError(f"not allowed: {exc}") from exc
        for number, message in result.errors:
            self.stderr.write(f"row {number}: {message}" if number else message)
        if result.errors:
            raise CommandError(f"{len(result.errors)} problem(s); nothing was written")
        verb = "checked" if options["dry_run"] else "imported"
        self.stdout.write(
            f"{result.rows} rows {verb}: {result.attendance_created} attendances recorded, "
            f"{result.attendance_existing} already present, {result.records_created} skill records"
        )
