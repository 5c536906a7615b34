"""``congdoan import-members FILE --unit CODE [--dry-run] [--user USERNAME]
[--map "Trình độ=education_level" …]``."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from congdoan.common.spreadsheets import UnreadableFile, read_rows
from congdoan.common.text import fold
from congdoan.common.uploads import UploadRefused
from congdoan.members import importing
from congdoan.members.importing.columns import FIELDS, column_titles
from congdoan.org.models import Unit


class Command(BaseCommand):
    help = "Import members from a spreadsheet (.xlsx, .xls, .ods, .csv) into a grassroots union."
    # A bulk command: Django's system checks (every URL, view and model, ~1.5 s) are the
    # server's and ``congdoan check``'s business, not each import's.
    requires_system_checks = []

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
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help='read the column titled HEADER as FIELD, e.g. --map "Trình độ=education_level" '
            "(repeatable; FIELD empty to ignore the column). Fields: " + ", ".join(FIELDS),
        )

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
            header_row, mapping = None, None
            if options["map"]:
                header_row, mapping = self._mapping(path, options["map"])
            importer = importing.Importer(
                actor,
                unit,
                dry_run=options["dry_run"],
                progress=progress,
                mapping=mapping,
                header_row=header_row,
            )
            summary = importer.run(str(path), path.name)
        except ValidationError as exc:  # the unit cannot hold members (not a grassroots union)
            raise CommandError(" ".join(exc.messages)) from exc
        except (UnreadableFile, UploadRefused, PermissionDenied, Http404) as exc:
            raise CommandError(str(exc) or "Not allowed") from exc
        if self.stdout.isatty():
            self.stdout.write("")
        mode = "dry run" if options["dry_run"] else "imported"
        self.stdout.write(
            f"{mode}: {summary.total} rows (header row {importer.header_row}): {summary.created} new, "
            f"{summary.updated} updated, {summary.unchanged} unchanged, {summary.rejected} rejected"
        )
        report = summary.report
        if report.get("footer_row"):
            self.stdout.write(
                f"table ends at row {report['table_end'] or importer.header_row}; "
                f"footer from row {report['footer_row']} ({report['footer']!r}) not read"
            )
        for column in report.get("unmapped", []):
            hint = f" (closest field: {column['suggestion']})" if column["suggestion"] else ""
            self.stdout.write(
                f"  column {column['column']} {column['header']!r} not imported{hint}; "
                f'map it with --map "{column["header"]}=FIELD"'
            )
        for error in summary.errors[: options["errors"]]:
            self.stdout.write(f"  row {error['row']} · {error['column']}: {error['message']}")
        if len(summary.errors) > options["errors"]:
            self.stdout.write(f"  … and {len(summary.errors) - options['errors']} more")

    def _mapping(self, path: Path, pairs: list[str]) -> tuple[int, dict[str, int]]:
        """The detected header row and mapping, with the columns named in ``--map`` read as told."""
        detected = importing.detect(str(path), path.name)
        below = dict(read_rows(str(path), path.name)).get(detected.header_row + 1)
        titles = column_titles(detected.headers, below)
        mapping = dict(detected.mapping)
        for pair in pairs:
            header, sep, name = pair.partition("=")
            header, name = header.strip(), name.strip()
            if not sep or (name and name not in FIELDS):
                raise CommandError(
                    f"--map {pair!r}: write HEADER=FIELD, FIELD one of {', '.join(FIELDS)}"
                )
            key = fold(header)
            columns = [i for i, t in enumerate(titles) if fold(t) == key] or [
                i for i, t in enumerate(detected.headers) if fold(t) == key
            ]
            if not columns:
                raise CommandError(
                    f"--map {pair!r}: no column titled {header!r} in row {detected.header_row}"
                )
            mapping = {f: c for f, c in mapping.items() if c != columns[0] and f != name}
            if name:
                mapping[name] = columns[0]
        return detected.header_row, mapping
