"""Reading the tree: children with counts, breadcrumbs, search, all inside the user's scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from congdoan.accounts.models import AnyUser
from congdoan.common.errors import visible_or_404

from . import hooks
from .choices import Role, UnitStatus
from .models import RoleAssignment, RolePolicy, Unit, UnitQuerySet
from .paths import STEPLEN, ancestor_paths, prefix_q
from .scoping import roles_held, scope_paths

TREE_VERSION_KEY = "org:tree-version"
MFA_POLICY_CACHE_KEY = "org:roles-requiring-mfa"


def top_units(user: AnyUser) -> UnitQuerySet:
    """The highest units the user can see: the roots of their scope."""
    paths = scope_paths(user)
    qs = Unit.objects.all()
    if paths is None:
        return qs.filter(depth=1)
    return qs.filter(path__in=paths)


def visible_unit(user: AnyUser, code: str, roles: Iterable[str] | None = None) -> Unit:
    """The unit with ``code`` if the user can see it (with one of ``roles``); the common 404
    (``OutOfScope``) otherwise."""
    return visible_or_404(Unit.objects.visible_to(user, roles), code=(code or "").strip().upper())


def own_assignments(user: AnyUser) -> QuerySet[RoleAssignment]:
    """The user's own role assignments on active units, by place in the tree."""
    return (
        RoleAssignment.objects.filter(user=user, unit__status=UnitStatus.ACTIVE)
        .select_related("unit")
        .order_by("unit__path")
    )


def assignments_in_subtree(unit: Unit, limit: int = 500) -> QuerySet[RoleAssignment]:
    """Role assignments on ``unit`` and the units below it (the first ``limit``)."""
    return (
        RoleAssignment.objects.filter(prefix_q(unit.path, "unit__path"))
        .select_related("user", "unit")
        .order_by("unit__path", "role")[:limit]
    )


def assignment_in_subtree_or_404(unit: Unit, assignment_id: int) -> RoleAssignment:
    """An assignment on ``unit`` or below it (the caller has checked ``unit``'s scope)."""
    return visible_or_404(
        RoleAssignment.objects.select_related("unit", "user").filter(
            prefix_q(unit.path, "unit__path")
        ),
        pk=assignment_id,
    )


def role_history(unit: Unit, limit: int = 30) -> QuerySet:
    """Roles granted and revoked on ``unit``, newest first."""
    return (
        RoleAssignment.history.filter(unit_id=unit.pk)
        .select_related("history_user", "user")
        .order_by("-history_date")[:limit]
    )


def children_with_counts(unit: Unit, include_inactive: bool = False) -> list[Unit]:
    """Children of ``unit`` in Vietnamese name order (by the folded name, so "Đông Triều" comes
    after "Cẩm Phả", not after "Uông Bí" as a byte or C-collation order puts it), each with
    ``descendant_count`` (active units below it).

    Two queries whatever the number of children: the children, then one grouped count.
    """
    children = list(
        Unit.objects.filter(prefix_q(unit.path), depth=unit.depth + 1)
        .exclude(status__in=[] if include_inactive else [UnitStatus.MERGED, UnitStatus.DISSOLVED])
        .order_by("name_folded", "name")  # Vietnamese order on both databases: Đông after Cẩm
    )
    if not children:
        return children
    prefix_len = len(unit.path) + STEPLEN
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
    """Called by the tree services once their transaction commits."""
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
    """(kind label, count) of the active units below ``unit``."""
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


def breadcrumbs(user: AnyUser, unit: Unit) -> list[Unit]:
    """Ancestors of ``unit`` that the user can see, from the top down."""
    above = ancestor_paths(unit.path)
    return list(Unit.objects.visible_to(user).filter(path__in=above).order_by("depth"))


def search_units(user: AnyUser, text: str, limit: int = 50) -> UnitQuerySet:
    return (
        Unit.objects.visible_to(user).search(text).order_by("depth", "name_folded", "name")[:limit]
    )


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


def waiting_for(user: AnyUser) -> list[hooks.Waiting]:
    """What waits for ``user`` across the apps (``hooks.waiting_counters``), the urgent first,
    nothing with a count of zero."""
    items = [item for counter in hooks.waiting_counters for item in counter(user) if item.count > 0]
    return sorted(items, key=lambda item: not item.urgent)


def extra_counts(unit: Unit) -> dict[str, int]:
    """What the apps registered in ``hooks.unit_counters`` count on ``unit``."""
    counts: dict[str, int] = {}
    for counter in hooks.unit_counters:
        counts.update(counter(unit))
    return counts


def can_set_policies(user: AnyUser) -> bool:
    """Whether ``user`` may change the province-wide security policies: a superuser or an
    administrator of a top-level unit."""
    return (
        user.is_superuser
        or RoleAssignment.objects.filter(
            user=user, role=Role.ADMINISTRATOR, unit__depth=1, unit__status=UnitStatus.ACTIVE
        ).exists()
    )


def roles_requiring_mfa() -> set[str]:
    """Roles whose holders must use two-factor login (cached; asked on every request)."""
    roles = cache.get(MFA_POLICY_CACHE_KEY)
    if roles is None:
        roles = set(RolePolicy.objects.filter(require_mfa=True).values_list("role", flat=True))
        cache.set(MFA_POLICY_CACHE_KEY, roles, 60)
    return roles


def holds_role(user: AnyUser) -> bool:
    """Whether ``user`` is an officer of some kind (holds any role on an active unit); a
    worker, who holds none, is shown only their own pages.

    Named by ``settings.OFFICER_CHECK``: accounts asks this without importing org.
    """
    return bool(user.is_authenticated and roles_held(user))


def mfa_required(user: AnyUser) -> bool:
    """Whether ``user`` holds a role whose policy requires two-factor login.

    Named by ``settings.MFA_REQUIRED_CHECK``: accounts asks this for the pages, the API and
    its tokens without importing org.
    """
    required = roles_requiring_mfa()
    return bool(required and roles_held(user) & required)
