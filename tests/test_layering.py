"""The shape every app keeps, checked on the source (no database, no imports of the code).

- Tree paths are ``org``'s: outside ``congdoan/org/`` no code filters on a path prefix or
  range (``unit__path__startswith=…``, ``path__gte``/``__lt``/``__range``…) nor slices a
  path (``unit.path[:4]``). It asks ``org`` instead: ``Unit.objects.subtree_of(unit)``,
  ``prefix_q(unit.path, "unit__path")``, ``paths.ancestor_paths``/``root_path``/
  ``parent_path``/``is_within``. An exact ``path=`` or ``unit__path__in=ancestor_paths(…)``
  is fine: it names known paths and builds none.
- An app never imports another app's private names (``from congdoan.x.y import _z``, a
  ``congdoan.x._module``, or ``module._z`` on an imported module of another app).
- An app never imports another app's views (DESIGN.md: services and queries, never views);
  only the project's own modules (``congdoan/urls.py``) wire views together. ``common.views``
  is the exception: it holds the page patterns every app shares (``form_page``).
- Dependencies point one way: ``common`` imports no app, ``accounts`` only ``common``,
  ``org`` only those two.
- In the foundation (``common``, ``accounts``, ``org``, ``congdoan/api.py``) an import inside a
  function says why in a comment (a cycle hidden that way is a layering bug).

See docs/development.md, "Layering".
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "congdoan"

# Lookups that rebuild a subtree or an ancestry from a path: the path layout is org's.
PATH_LOOKUP = re.compile(r"(?:\w+__)?path__(?:i?startswith|gte?|lte?|range)")

# Who may import whom, for the apps below the domain apps.
ALLOWED_DEPENDENCIES = {
    "common": set(),
    "accounts": {"common"},
    "org": {"common", "accounts"},
    # The notification centre knows only accounts: the other apps call it, never the reverse.
    "notifications": {"common", "accounts"},
}
FOUNDATION = {"common", "accounts", "org"}
# Not yet brought to the rule (their upload and export internals are another change's).
INNER_IMPORTS_PENDING = {"common/exports.py", "common/uploads.py"}


@dataclass(frozen=True)
class Module:
    path: Path
    rel: str  # "members/views.py"
    app: str  # "members"; "" for the project's own modules (congdoan/urls.py …)
    name: str  # "congdoan.members.views"
    tree: ast.Module
    lines: tuple[str, ...]


@cache
def modules() -> tuple[Module, ...]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if "migrations" in rel.parts:
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        text = path.read_text(encoding="utf-8")
        found.append(
            Module(
                path=path,
                rel=rel.as_posix(),
                app=rel.parts[0] if len(rel.parts) > 1 else "",
                name=".".join(["congdoan", *parts]),
                tree=ast.parse(text, filename=str(path)),
                lines=tuple(text.splitlines()),
            )
        )
    return tuple(found)


def _imported(module: Module, node: ast.ImportFrom) -> str:
    """The absolute module name an ``ImportFrom`` reads from (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    if module.path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _app_of(dotted: str) -> str | None:
    """``congdoan.members.services`` → ``members``; None outside the project's apps."""
    parts = dotted.split(".")
    if parts[0] != "congdoan" or len(parts) < 2:
        return None
    return parts[1] if (PACKAGE / parts[1]).is_dir() else ""


def _is_module(dotted: str) -> bool:
    """Whether ``congdoan.x.y`` names a module or package of the project (not a class or function)."""
    where = PACKAGE.joinpath(*dotted.split(".")[1:])
    return where.with_suffix(".py").is_file() or where.is_dir()


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _imports(module: Module):
    """(line, imported module, names) of every import: ``names`` empty for ``import x``."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            yield node.lineno, _imported(module, node), tuple(a.name for a in node.names)


def _where(module: Module, line: int) -> str:
    return f"congdoan/{module.rel}:{line}: {module.lines[line - 1].strip()}"


def _is_request_path(node: ast.AST) -> bool:
    """``request.path`` or ``self.request.path``: a URL, not a tree path."""
    base = node.value if isinstance(node, ast.Attribute) else None
    return (isinstance(base, ast.Name) and base.id == "request") or (
        isinstance(base, ast.Attribute) and base.attr == "request"
    )


def _raw_path_use(node: ast.AST) -> int | None:
    """The line of a path lookup or a path slice at ``node``, or None."""
    if isinstance(node, ast.keyword) and node.arg and PATH_LOOKUP.fullmatch(node.arg):
        return node.value.lineno  # Q(unit__path__startswith=…), filter(path__gte=…)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.lineno if PATH_LOOKUP.fullmatch(node.value) else None  # **{"…": …}
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Slice)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "path"
        and not _is_request_path(node.value)
    ):
        return node.lineno  # unit.path[:4]
    return None


def path_filter_offenders() -> list[str]:
    found = []
    for module in modules():
        if module.app == "org":
            continue
        for node in ast.walk(module.tree):
            line = _raw_path_use(node)
            if line is not None:
                found.append(_where(module, line))
    return found


def private_import_offenders() -> list[str]:
    found = []
    for module in modules():
        other_modules: set[str] = set()  # local names bound to another app's modules
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import):
                pairs = [(a.name, a.asname, a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = _imported(module, node)
                pairs = [(source, a.asname, a.name) for a in node.names]
            else:
                continue
            for source, asname, name in pairs:
                app = _app_of(source)
                if app is None or app == module.app:
                    continue
                dotted = source if isinstance(node, ast.Import) else f"{source}.{name}"
                if any(_private(part) for part in dotted.split(".")):
                    found.append(_where(module, node.lineno))
                elif _is_module(dotted) and (isinstance(node, ast.ImportFrom) or asname):
                    other_modules.add(asname or name)
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in other_modules
                and _private(node.attr)
            ):
                found.append(_where(module, node.lineno))
    return found


def foreign_views_offenders() -> list[str]:
    found = []
    for module in modules():
        if not module.app:
            continue  # congdoan/urls.py and the other project modules wire the apps together
        for line, source, names in _imports(module):
            app = _app_of(source)
            if app is None or app in {module.app, "", "common"}:
                continue
            parts = source.split(".")
            if (len(parts) > 2 and parts[2] == "views") or (len(parts) == 2 and "views" in names):
                found.append(_where(module, line))
    return found


def dependency_offenders() -> list[str]:
    found = []
    for module in modules():
        allowed = ALLOWED_DEPENDENCIES.get(module.app)
        if allowed is None:
            continue
        for line, source, _names in _imports(module):
            app = _app_of(source)
            if app is not None and app != module.app and app not in allowed:
                found.append(_where(module, line))
    return found


def _inner_imports(tree: ast.AST, inside: bool = False):
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and inside:
            yield node
        yield from _inner_imports(
            node, inside or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        )


def unexplained_inner_import_offenders() -> list[str]:
    found = []
    for module in modules():
        if module.app not in FOUNDATION and module.rel != "api.py":
            continue
        if module.rel in INNER_IMPORTS_PENDING:
            continue
        for node in _inner_imports(module.tree):
            line = node.lineno
            if "#" in module.lines[line - 1]:
                continue
            above = line - 1  # walk up over the rest of an import block to its comment
            while above >= 1 and module.lines[above - 1].strip().startswith(("from ", "import ")):
                above -= 1
            if above >= 1 and module.lines[above - 1].strip().startswith("#"):
                continue
            found.append(_where(module, line))
    return found


CHECKS = {
    "tree paths filtered or sliced outside org (ask org.paths / subtree_of / prefix_q)": (
        path_filter_offenders
    ),
    "another app's private name imported": private_import_offenders,
    "another app's views imported": foreign_views_offenders,
    "a dependency against the layers (common ← accounts ← org ← domain apps)": (
        dependency_offenders
    ),
    "an import inside a function without a comment saying why": (
        unexplained_inner_import_offenders
    ),
}


@pytest.mark.parametrize("rule", CHECKS)
def test_layering(rule):
    offenders = CHECKS[rule]()
    assert not offenders, f"{rule}:\n  " + "\n  ".join(offenders)


# --- the checks themselves catch what they are meant to -----------------------------------------
def _module(source: str, rel: str = "members/demo.py") -> Module:
    parts = Path(rel).with_suffix("").parts
    return Module(
        path=PACKAGE / rel,
        rel=rel,
        app=parts[0] if len(parts) > 1 else "",
        name=".".join(["congdoan", *parts]),
        tree=ast.parse(source),
        lines=tuple(source.splitlines()),
    )


@pytest.mark.parametrize(
    "source,expected",
    [
        ("Member.objects.filter(unit__path__startswith=unit.path)", 1),
        ("Unit.objects.filter(path__gte=a, path__lt=b)", 2),
        ("qs.filter(**{'unit__path__range': (a, b)})", 1),
        ("tree = unit.path[:4]", 1),
        ("Unit.objects.filter(path__in=ancestor_paths(unit.path))", 0),
        ("Unit.objects.filter(path=parent_path(unit.path))", 0),
        ("here = request.path[:20]", 0),
        ("qs.filter(prefix_q(unit.path, 'unit__path'))", 0),
    ],
)
def test_path_check_catches_raw_filters(monkeypatch, source, expected):
    monkeypatch.setattr(sys.modules[__name__], "modules", lambda: (_module(source),))
    assert len(path_filter_offenders()) == expected


@pytest.mark.parametrize(
    "source,rel,expected",
    [
        ("from congdoan.common.pdf import _fonts", "documents/pdftext.py", 1),
        ("from congdoan.common import pdf\npdf._fonts()", "documents/pdftext.py", 1),
        ("from congdoan.members._internal import x", "skills/services.py", 1),
        ("from ._helpers import x", "skills/services.py", 0),
        ("from congdoan.skills.forms import _choices", "skills/views.py", 0),
        ("from congdoan.common.pdf import font_css", "documents/pdftext.py", 0),
    ],
)
def test_private_import_check(monkeypatch, source, rel, expected):
    monkeypatch.setattr(sys.modules[__name__], "modules", lambda: (_module(source, rel),))
    assert len(private_import_offenders()) == expected


@pytest.mark.parametrize(
    "source,rel,expected",
    [
        ("from congdoan.members.views import roster", "skills/views.py", 1),
        ("from congdoan.members import views as member_views", "skills/views.py", 1),
        ("from congdoan.skills.views.courses import x", "members/api.py", 1),
        ("from congdoan.members import queries", "skills/views.py", 0),
        ("from . import views", "skills/urls.py", 0),
        ("from congdoan.members import views", "urls.py", 0),
        ("from congdoan.common.views import form_page", "skills/views.py", 0),
    ],
)
def test_views_check(monkeypatch, source, rel, expected):
    monkeypatch.setattr(sys.modules[__name__], "modules", lambda: (_module(source, rel),))
    assert len(foreign_views_offenders()) == expected
