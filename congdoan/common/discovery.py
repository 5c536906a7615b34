"""Finding what each app declares: its optional module of a given name (``api``, ``nav``,
``demo``, ``indicators``), so that adding an app touches no shared file."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from types import ModuleType

from django.apps import AppConfig, apps


def app_modules(name: str) -> Iterator[tuple[AppConfig, ModuleType]]:
    """``(app config, congdoan.<app>.<name>)`` for every project app that has that module, in
    ``INSTALLED_APPS`` order. An error inside a module that exists is raised, not skipped."""
    for config in apps.get_app_configs():
        if not config.name.startswith("congdoan."):
            continue
        module_name = f"{config.name}.{name}"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        yield config, module
