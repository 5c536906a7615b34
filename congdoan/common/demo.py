"""The demo province, assembled from each app's ``demo.py``.

Each app may define ``build(ctx: DemoContext)`` in its ``demo.py``; ``congdoan demo`` runs
them in app order (org first), each idempotent: running the command twice changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .discovery import app_modules

DEMO_PASSWORD = "demo-2026"

# Printed by `make run` and listed in the README.
DEMO_LOGINS = [
    ("federation_admin", "Administrator of the whole provincial federation"),
    ("grassroots_officer", "Officer of one grassroots union"),
    ("trainer", "Trainer of the industrial-zone union"),
    ("member", "A union member (worker)"),
]


@dataclass
class DemoContext:
    options: dict[str, Any]
    stdout: Any
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    data: dict[str, Any] = field(default_factory=dict)

    def log(self, message: str) -> None:
        self.stdout.write(message)


def builders() -> Iterator[tuple[str, Callable[[DemoContext], None]]]:
    """(app label, ``build``) of every app that has a demo, in app order."""
    for config, module in app_modules("demo"):
        build = getattr(module, "build", None)
        if build is not None:
            yield config.label, build
