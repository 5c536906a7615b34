"""``congdoan demo``: build (or complete) the demo province. Idempotent.

It lives in ``org`` because it must first ask the tree whether the database holds data the
demo did not make; the builders themselves are each app's ``demo.build`` (``common.demo``).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from congdoan.common.db import analyze
from congdoan.common.demo import DEMO_LOGINS, DEMO_PASSWORD, DemoContext, builders
from congdoan.org.demo import database_is_empty, non_demo_data_present


class Command(BaseCommand):
    help = "Build the demo Quảng Ninh federation (units, users, and what later apps add)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--units", type=int, default=150, help="number of grassroots unions (default 150)"
        )
        parser.add_argument(
            "--members", type=int, default=None, help="number of members (members app)"
        )
        parser.add_argument(
            "--force", action="store_true", help="run even if the database holds non-demo data"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing unless the database is empty"
        )
        parser.add_argument("--logins", action="store_true", help="only print the demo logins")
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="the address printed with the logins (make run passes the one it serves)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins"]:
            self.print_logins(options["url"])
            return
        if options["if_empty"] and not database_is_empty():
            self.stdout.write("Database already holds data: demo not loaded.")
            return
        if non_demo_data_present() and not options["force"]:
            raise CommandError(
                "The database holds data that the demo did not make; refusing to add demo data. "
                "Use --force to add it anyway."
            )
        ctx = DemoContext(options=options, stdout=self.stdout)
        for label, build in builders():
            with transaction.atomic():
                build(ctx)
            # The next app's demo (indicators above all) queries what this one loaded.
            analyze(apps.get_app_config(label).get_models())
            self.stdout.write(f"demo: {label} ready")
        self.stdout.write(self.style.SUCCESS("Demo province ready."))

    def print_logins(self, url: str) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}) at {url}")
        for username, what in DEMO_LOGINS:
            self.stdout.write(f"  {username:<20} {what}")
        self.stdout.write("")
