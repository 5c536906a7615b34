"""Reading the tree: children with counts, breadcrumbs, search, all inside the user's scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from congdoan.common.errors import visible_or_404

from . import hooks
from .choices import UnitStatus
from .models import Unit
from .paths import prefix_q
from .scoping import scope_paths

TREE_VERSION_KEY = "org:tree-version"


def top_units(user):
    """The highest units the user can see: the roots of their scope."""
    paths = scope_paths(user)
    qs = Unit.objects.all()
    if paths is None:
        return qs.filter(depth=1)
    return qs.filter(path__in=paths)


def visible_unit(user, code: str, roles: Iterable[str] | None = None) -> Unit:
    """The unit with ``code`` if the user can see it (with one of ``roles``); the common 404
    (``OutOfScope``) otherwise."""
    return visible_or_404(Unit.objects.visible_to(user, roles), code=(code or "").strip().upper())


def children_with_counts(unit: Unit, include_inactive: bool = False) -> list[Unit]:
    """Children of ``unit`` ordered by name, each with ``descendant_count`` (active units below it).

    Two queries whatever the number of children: the children, then one grouped count.
    """
    children = list(
        Unit.objects.filter(prefix_q(unit.path), depth=unit.depth + 1)
        .exclude(status__in=[] if include_inactive else [UnitStatus.MERGED, UnitStatus.DISSOLVED])
        .order_by("name")
    )
    if not children:
        return children
    prefix_len = len(unit.path) + Unit.steplen
    counts = dict(
        Unit.objects.filter(prefix_q(unit.path), depth__gt=unit.depth + 1, status=UnitStatus.ACTIVE)
        .order_by()  # the default path ordering would split every group
        .annotate(branch=Substr("path", 1, prefix_len))
        .values("branch")
        .annotate(n=Count("id"))
        .values_list("branch", "n")
    )
    for child in children:
        child.descendant_count = counts.get(child.path, 0)
    return children


def tree_version() -> int:
    """A number that changes whenever a tree service commits; part of every cached count's key."""
    version = cache.get(TREE_VERSION_KEY)
    if version is None:
        version = 1
        cache.add(TREE_VERSION_KEY, version, None)
    return version


def bump_tree_version() -> None:
    try:
        cache.incr(TREE_VERSION_KEY)
    except ValueError:
        cache.set(TREE_VERSION_KEY, 2, None)


def subtree_count(unit: Unit, active_only: bool = True) -> int:
    """Units below ``unit`` (not counting itself).

    A province's count is a few milliseconds from the path index, but the whole country
    is 150,000 rows; counts are cached until the next tree change (see ``tree_version``).
    """
    key = f"org:subtree:{tree_version()}:{unit.path}:{int(active_only)}"
    count = cache.get(key)
    if count is None:
        qs = Unit.objects.filter(prefix_q(unit.path)).exclude(pk=unit.pk)
        if active_only:
            qs = qs.filter(status=UnitStatus.ACTIVE)
        count = qs.count()
        cache.set(key, count, 600)
    return count


def kind_breakdown(unit: Unit) -> list[tuple[str, int]]:
    rows = (
        Unit.objects.filter(prefix_q(unit.path), status=UnitStatus.ACTIVE)
        .exclude(pk=unit.pk)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
    )
    labels = dict(Unit._meta.get_field("kind").choices)
    return [(labels.get(r["kind"], r["kind"]), r["n"]) for r in rows]


def breadcrumbs(user, unit: Unit) -> list[Unit]:
    """Ancestors of ``unit`` that the user can see, from the top down."""
    ancestor_paths = [unit.path[:i] for i in range(Unit.steplen, len(unit.path), Unit.steplen)]
    return list(Unit.objects.visible_to(user).filter(path__in=ancestor_paths).order_by("depth"))


def search_units(user, text: str, limit: int = 50):
    return Unit.objects.visible_to(user).search(text).order_by("depth", "name")[:limit]


HISTORY_VERBS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
HISTORY_REASONS = {"moved": _("moved under %(code)s"), "merged": _("merged into %(code)s")}


def _reason_text(reason: str | None) -> str:
    if not reason:
        return ""
    key, _sep, code = reason.partition(":")
    template = HISTORY_REASONS.get(key)
    return str(template) % {"code": code} if template else reason


def unit_history(unit: Unit, limit: int = 20) -> list[dict]:
    """The unit's recent history, newest first: who, when, and which fields changed."""
    records = list(
        unit.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    labels = {f.name: f.verbose_name for f in Unit._meta.get_fields() if hasattr(f, "verbose_name")}
    hidden = {"path", "depth", "numchild", "status_changed_at"}
    rows = []
    for record, previous in zip(records, records[1:] + [None], strict=False):
        changed = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changed = [
                str(labels.get(c.field, c.field)) for c in delta.changes if c.field not in hidden
            ]
        rows.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "verb": HISTORY_VERBS.get(record.history_type, record.history_type),
                "changed": changed,
                "reason": _reason_text(record.history_change_reason),
            }
        )
    return rows[:limit]


def extra_counts(unit: Unit) -> dict[str, int]:
    counts: dict[str, int] = {}
    for counter in hooks.unit_counters:
        counts.update(counter(unit))
    return counts
