"""``congdoan compile-translations``: build the ``.mo`` catalogues from the committed ``.po`` files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from congdoan.common.msgfmt import compile_tree


class Command(BaseCommand):
    help = "Compile every .po catalogue of the project to .mo (no GNU gettext needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        written = compile_tree(Path(settings.PACKAGE_DIR))
        self.stdout.write(f"{len(written)} catalogues compiled")
