"""Reading members: the visible record or 404 (``visible_member``, ``visible_import_job``,
``visible_transfer``), who may manage or see what, pages of a list (and of a name search), likely
duplicates, counts per unit (also the org tree's hooks that count and check members).

Every object a view or an API endpoint acts on is fetched here through its model's
``visible_to``, so a missing and an out-of-scope object are one and the same 404.

Lists (``MemberPages``: the web list's and the API's) are read in the order of an index and
stop after the page instead of fetching and sorting every row: a name search (filters in
``search``) reads prefix ranges of byte-ordered indexes (``NameSearchPages``); a small scope
is sorted instead (``in_name_order``); counts are exact up to ``COUNT_CAP``, then estimated.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext as _

from congdoan.accounts.models import AnyUser
from congdoan.common.db import count_rows, planner_estimate
from congdoan.common.errors import visible_or_404
from congdoan.common.text import fold
from congdoan.org.choices import FINANCE_ROLES, MEMBER_MANAGERS, UnitKind, UnitStatus
from congdoan.org.hooks import Waiting
from congdoan.org.models import Unit
from congdoan.org.scoping import has_role_on, scope_paths, scope_q

from . import history
from .choices import OPEN_STATUSES, ImportStatus, MemberStatus, TransferStatus
from .models import ImportJob, Member, TransferRequest
from .search import name_prefix_q, search_q

COUNT_CAP = 10_000  # lists count matches exactly up to this many, then estimate ("about …")
# Lists of at most this many rows (by the planner's estimate) are sorted, larger ones read in
# index order (``in_name_order``). Sorting reads every row of the scope, index order about
# 50 / (the scope's share of the name range) rows: the two meet near sqrt(50 × all members),
# some 25,000 rows at 12 M (bench/members_search.py times both scopes).
SMALL_SCOPE = 20_000
# Counts the planner expects to exceed COUNT_CAP this many times over are not counted at all
# (at 12 M members its estimates of a name search in a province were within 25 %).
ESTIMATE_ONLY_ABOVE = 2


# --- the visible object or 404 ------------------------------------------------------------------
def visible_member(user: AnyUser, pk: int | str, roles: Iterable[str] | None = None) -> Member:
    """The member ``pk`` (with its unit and group) if ``user`` sees it (with one of ``roles``);
    the common 404 otherwise, also for a ``pk`` that is not a number."""
    return visible_or_404(
        Member.objects.visible_to(user, roles).select_related("unit", "group"), pk=pk
    )


def visible_import_job(user: AnyUser, pk: int | str) -> ImportJob:
    """The import job ``pk`` if its unit is in ``user``'s scope; the common 404 otherwise."""
    return visible_or_404(ImportJob.objects.visible_to(user).select_related("unit"), pk=pk)


def visible_transfer_requests(user: AnyUser) -> QuerySet[TransferRequest]:
    """Transfer requests seen by ``user``: those from or to a unit in their scope."""
    return TransferRequest.objects.visible_to(user).select_related(
        "member", "from_unit", "to_unit", "requested_by"
    )


def visible_transfer(user: AnyUser, pk: int | str) -> TransferRequest:
    """The transfer request ``pk`` if ``user`` sees either side; the common 404 otherwise."""
    return visible_or_404(visible_transfer_requests(user), pk=pk)


def transfer_target(code: str) -> Unit | None:
    """The unit a member is to be transferred to, by code, in scope or not: outside the
    officer's scope a transfer is a request to that unit's officers (``transfer_member``)."""
    return Unit.objects.filter(code=(code or "").strip().upper()).first()


# --- who may do what ----------------------------------------------------------------------------
def can_manage(user: AnyUser, member: Member) -> bool:
    return has_role_on(user, member.unit, MEMBER_MANAGERS)


def can_see_salary(user: AnyUser, member_or_unit: Member | Unit) -> bool:
    unit = getattr(member_or_unit, "unit", member_or_unit)
    return has_role_on(user, unit, FINANCE_ROLES)


def manages_members_somewhere(user: AnyUser) -> bool:
    """True when ``user`` may admit members into some unit (the list page's "Admit" button)."""
    paths = scope_paths(user, MEMBER_MANAGERS)
    return paths is None or bool(paths)


def units_accepting_members(user: AnyUser) -> QuerySet[Unit]:
    """The active units where ``user`` may admit members (grassroots unions, union groups and
    their counterparts in the other trees), in Vietnamese name order: the admission form's list."""
    # Imported here: services import this module, so the services package is not loaded yet
    # when this module is.
    from .services import UNIT_KINDS_FOR_MEMBERS

    return (
        Unit.objects.visible_to(user, MEMBER_MANAGERS)
        .filter(kind__in=UNIT_KINDS_FOR_MEMBERS, status=UnitStatus.ACTIVE)
        .order_by("name_folded", "name")
    )


def waiting_for(user: AnyUser) -> list[Waiting]:
    """The home page's member items (``org.hooks.waiting_counters``): transfer requests that
    the user's units must decide, and the user's imports still queued or running."""
    if not user.is_authenticated:
        return []
    to_decide = TransferRequest.objects.filter(
        scope_q(user, "to_unit__path", MEMBER_MANAGERS), status=TransferStatus.PENDING
    ).count()
    imports = ImportJob.objects.filter(
        created_by=user, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
    ).count()
    return [
        Waiting(
            _("Transfer requests to decide"),
            to_decide,
            reverse("members:transfers"),
            icon="arrow-left-right",
        ),
        Waiting(_("Member imports running"), imports, reverse("members:imports"), icon="upload"),
    ]


def history_with_merged(member: Member) -> tuple[list, list[Member]]:
    """``member``'s history (the last 50 changes) with that of the records merged into it (the
    last 20 each), newest first, each row with its ``reason_text`` in the reader's language;
    and those merged records."""
    histories = list(
        member.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]
    )
    merged = list(Member.objects.filter(merged_into=member).only("id", "card_number", "full_name"))
    for other in merged:
        histories += list(
            other.history.select_related("history_user").order_by("-history_date")[:20]
        )
    histories.sort(key=lambda h: h.history_date, reverse=True)
    for row in histories:
        row.reason_text = history.reason_text(row.history_change_reason)
    return histories, merged


# --- list pages ---------------------------------------------------------------------------------


def name_key(text: str | None) -> str | None:
    """The folded key when ``text`` is a pure name search (no digits), else None."""
    text = (text or "").strip()
    if not text or any(ch.isdigit() for ch in text):
        return None
    return fold(text) or None


def capped_count(qs, cap: int = COUNT_CAP) -> int:
    """``min(qs.count(), cap + 1)`` without counting past ``cap + 1`` rows (a LIMIT subquery)."""
    return qs.order_by()[: cap + 1].count()


def few_rows(qs: QuerySet) -> bool:
    """True when the planner expects at most ``SMALL_SCOPE`` rows in ``qs`` (a grassroots
    officer's members; one ``EXPLAIN``, no row read). False where there is no estimate."""
    estimate = planner_estimate(qs)
    return estimate is not None and estimate <= SMALL_SCOPE


def in_name_order(qs: QuerySet, field: str, *, sort: bool = False) -> QuerySet:
    """``qs`` by ``(field, id)``: read in the order of the ``(field, id)`` index, or (``sort``)
    by an expression no index gives (lower() of a key already folded, so the same order).

    In index order PostgreSQL reads the index until the page is full, filtering out rows of
    other scopes: cheap when the scope holds most rows, some 50 × 5,000 entries for a page of
    a unit holding 1 in 5,000 members. A small scope (``few_rows``) is sorted instead: the
    planner then collects its rows through the unit index and sorts the few that match."""
    return qs.order_by(Lower(field) if sort else field, "id")


# A run's position: (run index, the last row's key, its id). A page continues after it.
Position = tuple[int, str, int]


class MemberPages:
    """Pages of a member list, each cheap at any number of rows: by offset (``page``) or, so
    that a deep page reads no row before it, after the position where the previous page ended
    (``page_after``, a keyset); and the count, exact up to ``COUNT_CAP`` (``count``).

    The rows come in runs, each ordered by ``(key field, id)`` so that the database reads only
    the rows of the page (``in_name_order``). ``of`` gives a list's pages; ``NameSearchPages``
    the two runs of a name search.
    """

    def __init__(self, runs: list[tuple[QuerySet, str]], counted: QuerySet | None = None):
        self.runs = runs
        self.counted = counted

    @classmethod
    def of(cls, unsearched: QuerySet, text: str | None = None) -> MemberPages:
        """The pages of ``unsearched`` (the scoped, filtered rows) searched for ``text``: a
        name search in two runs, any other list in name order (a number search sorts its few
        matches: ``MemberQuerySet.search``)."""
        key = name_key(text)
        if key:
            return NameSearchPages(unsearched, key, sort=few_rows(unsearched))
        if text:
            searched = unsearched.search(text)
            return cls([(searched, "name_folded")], searched)
        rows = in_name_order(unsearched, "name_folded", sort=few_rows(unsearched))
        return cls([(rows, "name_folded")])

    def count(self) -> tuple[int, bool]:
        """``(n, exact)``: ``common.db.count_rows`` at ``COUNT_CAP``; but where the planner
        expects ``ESTIMATE_ONLY_ABOVE`` rows or more, its estimate (not exact) at once.

        Counting ``COUNT_CAP`` + 1 rows of a common name in a province reads from 10,000 to
        80,000 rows (50 to 400 ms at 12 M members) to learn what the estimate already says:
        more than the cap. So a count under the cap is given as an estimate only where the
        planner was wrong by half."""
        qs = self.counted if self.counted is not None else self.runs[0][0]
        estimate = planner_estimate(qs)
        if estimate is not None and estimate >= ESTIMATE_ONLY_ABOVE * COUNT_CAP:
            return estimate, False
        return count_rows(qs, COUNT_CAP)

    def slice(self, start: int, stop: int) -> list:
        """Rows ``start`` to ``stop`` (the list page's slices)."""
        return [row for _run, row in self._slice(start, stop)]

    def page(self, start: int, limit: int) -> tuple[list, Position | None]:
        """``limit`` rows from ``start``, and the position after them (None after the last)."""
        return self._ended(self._slice(start, start + limit + 1), limit)

    def page_after(self, position: Position | None, limit: int) -> tuple[list, Position | None]:
        """``limit`` rows after ``position`` (from the start for None), and the position after
        them; ValueError for a position no page of these runs gives."""
        run, key, pk = self._checked(position) if position is not None else (0, None, None)
        rows: list[tuple[int, object]] = []
        for index in range(run, len(self.runs)):
            qs, field = self.runs[index]
            if key is not None and index == run:
                # ``>= key`` bounds the index range; the rest skips the rows of the same key
                # already given (portable: no row comparison on SQLite before 3.15).
                qs = qs.filter(
                    Q(**{f"{field}__gte": key}), Q(**{f"{field}__gt": key}) | Q(pk__gt=pk)
                )
            rows += [(index, row) for row in qs[: limit + 1 - len(rows)]]
            if len(rows) > limit:
                break
        return self._ended(rows, limit)

    def _slice(self, start: int, stop: int) -> list[tuple[int, object]]:
        rows: list[tuple[int, object]] = []
        offset = start  # inside the current run
        for index, (qs, _field) in enumerate(self.runs):
            wanted = stop - start - len(rows)
            if wanted <= 0:
                break
            found = list(qs[offset : offset + wanted])
            rows += [(index, row) for row in found]
            if len(found) == wanted:
                break
            # The run ended inside (or before) the slice: the next one starts where it ended.
            offset = 0 if found or not offset else offset - qs.order_by()[:offset].count()
        return rows

    def _ended(self, rows: list[tuple[int, object]], limit: int) -> tuple[list, Position | None]:
        after = None
        if len(rows) > limit:
            index, row = rows[limit - 1]
            after = (index, getattr(row, self.runs[index][1]), row.pk)
        return [row for _index, row in rows[:limit]], after

    def _checked(self, position) -> Position:
        try:
            run, key, pk = position
        except (TypeError, ValueError):
            raise ValueError("not a position") from None
        if not (
            type(run) is int
            and 0 <= run < len(self.runs)
            and isinstance(key, str)
            and "\x00" not in key  # PostgreSQL refuses it in a parameter
            and type(pk) is int
            and 0 <= pk < 2**63
        ):
            raise ValueError("not a position")
        return run, key, pk


class NameSearchPages(MemberPages):
    """The pages of a name search.

    The rows come in two runs, each in the order of its own index so the database reads only
    the rows of the slice: members whose full name starts with the key, by name ("hoa" →
    "Hoàng Văn An" …), then those whose given name does, by given name ("Nguyễn Thị Hoa" …).
    ``qs`` is the scoped, filtered queryset before the search filter; ``sort`` as in
    ``in_name_order`` (``MemberPages.of`` decides).
    """

    def __init__(self, qs, key: str, *, sort: bool = False):
        by_name = name_prefix_q(key, "name_folded")
        self.full = in_name_order(qs.filter(by_name), "name_folded", sort=sort)
        self.given = in_name_order(
            qs.filter(name_prefix_q(key, "given_name_folded")).exclude(by_name),
            "given_name_folded",
            sort=sort,
        )
        super().__init__(
            [(self.full, "name_folded"), (self.given, "given_name_folded")],
            qs.filter(search_q(key)),
        )

    def count(self) -> tuple[int, bool]:
        """As ``MemberPages.count``, but the rows under the cap are counted run by run: each
        run reads one index range (in a small scope the unit's, ``member_unit_name`` /
        ``member_unit_given_name``), where the two prefixes together (an OR) read both
        names' ranges of the whole table before the scope is applied (70–110 ms for a
        grassroots officer at 12 M members)."""
        estimate = planner_estimate(self.counted)
        if estimate is not None and estimate >= ESTIMATE_ONLY_ABOVE * COUNT_CAP:
            return estimate, False
        total = 0
        for run, _field in self.runs:
            total += capped_count(run, COUNT_CAP - total)
            if total > COUNT_CAP:
                return count_rows(self.counted, COUNT_CAP)
        return total, True


# --- counts -------------------------------------------------------------------------------------
def unit_counts(units) -> dict[int, dict[str, int]]:
    """Active and complete members per unit id (the indicators use the same numbers)."""
    rows = (
        Member.objects.filter(unit__in=units, status="active")
        .values("unit_id")
        .annotate(active=Count("id"), complete=Count("id", filter=Q(is_complete=True)))
    )
    return {r["unit_id"]: {"active": r["active"], "complete": r["complete"]} for r in rows}


def likely_duplicates(members: QuerySet[Member], limit: int = 200) -> list[tuple]:
    """Pairs ``(older, newer, reason)`` among ``members`` (already scoped) that are probably one
    person: same folded name and date of birth, or same phone. Identical identity numbers
    cannot occur inside one tree (a unique constraint)."""
    members = members.filter(status__in=OPEN_STATUSES)
    by_name = (
        members.exclude(date_of_birth=None)
        .values("name_folded", "date_of_birth")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by()[:limit]
    )
    by_phone = (
        members.exclude(phone="")
        .values("phone")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by()[:limit]
    )
    groups: list[tuple[Q, str]] = [
        (
            Q(name_folded=row["name_folded"], date_of_birth=row["date_of_birth"]),
            _("same name and date of birth"),
        )
        for row in by_name
    ] + [(Q(phone=row["phone"]), _("same phone number")) for row in by_phone]
    pairs: dict[tuple[int, int], tuple] = {}
    for q, reason in groups:
        found = list(members.filter(q).select_related("unit").order_by("id")[:10])
        for i, older in enumerate(found):
            for newer in found[i + 1 :]:
                key = (older.pk, newer.pk)
                if key in pairs:
                    pairs[key] = (older, newer, pairs[key][2] + "; " + reason)
                else:
                    pairs[key] = (older, newer, reason)
        if len(pairs) >= limit:
            break
    return list(pairs.values())[:limit]


# --- the org tree's hooks (registered in apps.py) ----------------------------------------------
def unit_has_active_members(unit: Unit) -> str | None:
    """Why ``unit`` cannot be dissolved, if it still has members; None otherwise."""
    if Member.objects.filter(Q(unit=unit) | Q(group=unit), status__in=OPEN_STATUSES).exists():
        return _("The unit still has members; transfer them or merge the unit instead.")
    return None


def member_count(unit: Unit) -> dict[str, int]:
    """Active members of ``unit``'s subtree, labelled for the unit page (translated at call time)."""
    if unit.kind == UnitKind.UNION_GROUP:
        members = Member.objects.filter(group=unit, status=MemberStatus.ACTIVE)
    else:
        members = Member.objects.in_subtree(unit).filter(status=MemberStatus.ACTIVE)
    return {_("Members"): members.count()}
