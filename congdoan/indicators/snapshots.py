"""Computing figures: own rows from each indicator, summed up the tree, stored as intervals.

``refresh()`` is the whole pipeline for one date (today by default): ask every indicator for
its own rows, roll them up by path prefix, and write only the figures that changed. The same
function is the once-a-minute "live" refresh (date = today), the daily snapshot (a day's last
refresh stays as that day's figure) and the backfill of past dates (date in the past, for
indicators whose ``compute`` honours history).

Rollup: every own row is added to its unit and to each ancestor (the prefixes of its path),
so a parent's figure is exactly its own rows plus its children's figures, at every level.
"""

from __future__ import annotations

import time as _time
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from congdoan.org.models import Unit
from congdoan.org.paths import ancestor_paths

from . import registry
from .models import Figure, RefreshState
from .registry import Indicator, Period

Values = tuple[int, int, int, int]  # numerator, denominator, own numerator, own denominator
BATCH = 2000


def period_for(indicator: Indicator, as_of: date) -> Period:
    return Period.year_to_date(as_of) if indicator.flow else Period(as_of, as_of)


def unit_paths() -> dict[int, str]:
    return dict(Unit.objects.order_by().values_list("id", "path"))


def roll_up(rows: Iterable[tuple[int, int, int]], paths: dict[int, str]) -> dict[int, Values]:
    """Subtree and own figures of every unit touched by ``rows`` (unit_id, num, den)."""
    own: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for unit_id, num, den in rows:
        if unit_id in paths and (num or den):
            acc = own[unit_id]
            acc[0] += int(num or 0)
            acc[1] += int(den or 0)
    by_path: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for unit_id, (num, den) in own.items():
        for path in ancestor_paths(paths[unit_id], include_self=True):
            acc = by_path[path]
            acc[0] += num
            acc[1] += den
    id_of = {path: unit_id for unit_id, path in paths.items()}
    result: dict[int, Values] = {}
    for path, (num, den) in by_path.items():
        unit_id = id_of.get(path)
        if unit_id is None:  # an ancestor path that no longer exists (tree edited meanwhile)
            continue
        o = own.get(unit_id, (0, 0))
        result[unit_id] = (num, den, o[0], o[1])
    return result


# The columns of a figure row, in the order COPY writes them.
COLUMNS = (
    "indicator",
    "unit_id",
    "valid_from",
    "valid_to",
    "numerator",
    "denominator",
    "own_numerator",
    "own_denominator",
)


def _current(code: str, day: date, only: Collection[int] | None = None):
    qs = Figure.objects.filter(indicator=code).on(day)
    rows = []
    ids = list(only) if only is not None else [None]
    for i in range(0, len(ids), BATCH):
        chunk = qs if only is None else qs.filter(unit_id__in=ids[i : i + BATCH])
        rows.extend(chunk.values_list("id", *COLUMNS[1:]))  # all but the indicator
    return {
        unit_id: (pk, start, end, (n, d, on, od)) for pk, unit_id, start, end, n, d, on, od in rows
    }


def apply(
    code: str, day: date, values: dict[int, Values], only: Collection[int] | None = None
) -> int:
    """Make the stored figures of ``code`` on ``day`` equal ``values``; returns rows written.

    A changed figure closes the row valid on ``day`` and opens one from ``day`` up to the next
    stored change (none, when ``day`` is today), so past and future rows stay untouched. With
    ``only``, units outside it are left as they are (an incremental refresh).
    """
    current = _current(code, day, only)
    next_start: dict[int, date] = {}
    if Figure.objects.filter(indicator=code, valid_from__gt=day).exists():
        next_start = dict(
            Figure.objects.filter(indicator=code, valid_from__gt=day)
            .values("unit_id")
            .annotate(first=Min("valid_from"))
            .values_list("unit_id", "first")
        )
    to_close: list[int] = []
    to_delete: list[int] = []
    to_update: list[Figure] = []
    to_create: list[Figure] = []
    for unit_id in set(current) | set(values):
        new = values.get(unit_id)
        old = current.get(unit_id)
        if old is not None and old[3] == new:
            continue
        if old is not None:
            pk, start, end, _vals = old
            if start == day:
                if new is None:
                    to_delete.append(pk)
                else:
                    to_update.append(
                        Figure(
                            pk=pk,
                            numerator=new[0],
                            denominator=new[1],
                            own_numerator=new[2],
                            own_denominator=new[3],
                        )
                    )
                continue
            to_close.append(pk)
            if new is not None:
                to_create.append(_figure(code, unit_id, day, end, new))
        elif new is not None:
            to_create.append(_figure(code, unit_id, day, next_start.get(unit_id), new))
    for i in range(0, len(to_close), BATCH):
        Figure.objects.filter(pk__in=to_close[i : i + BATCH]).update(valid_to=day)
    for i in range(0, len(to_delete), BATCH):
        Figure.objects.filter(pk__in=to_delete[i : i + BATCH]).delete()
    if to_update:
        Figure.objects.bulk_update(
            to_update,
            ["numerator", "denominator", "own_numerator", "own_denominator"],
            batch_size=BATCH,
        )
    _insert(to_create)
    return len(to_close) + len(to_delete) + len(to_update) + len(to_create)


def _insert(figures: list[Figure]) -> None:
    """Insert new rows: COPY on PostgreSQL (a national refresh writes ~150,000 rows), else bulk_create."""
    if not figures:
        return
    if connection.vendor != "postgresql":
        Figure.objects.bulk_create(figures, batch_size=BATCH)
        return
    table = Figure._meta.db_table
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy,
    ):
        for f in figures:
            copy.write_row(
                (
                    f.indicator,
                    f.unit_id,
                    f.valid_from,
                    f.valid_to,
                    f.numerator,
                    f.denominator,
                    f.own_numerator,
                    f.own_denominator,
                )
            )


def _figure(code, unit_id, start, end, vals: Values) -> Figure:
    return Figure(
        indicator=code,
        unit_id=unit_id,
        valid_from=start,
        valid_to=end,
        numerator=vals[0],
        denominator=vals[1],
        own_numerator=vals[2],
        own_denominator=vals[3],
    )


def compute(
    indicator: Indicator, day: date, paths: dict[int, str] | None = None
) -> dict[int, Values]:
    """The figures of ``indicator`` on ``day`` for every unit, straight from the data."""
    paths = paths if paths is not None else unit_paths()
    return roll_up(indicator.compute(period_for(indicator, day)), paths)


def refresh(
    day: date | None = None, codes: Iterable[str] | None = None, incremental: bool = False
) -> dict[str, int]:
    """Compute and store the figures of ``codes`` (all indicators by default) on ``day``.

    Returns rows written per indicator. Each indicator is written in its own transaction,
    serialised on its :class:`RefreshState` row so two refreshes never interleave. With
    ``incremental`` (the once-a-minute job), indicators that can say which units changed
    recompute only those units and carry the differences up the tree; they fall back to a
    full recompute after a tree change, on a new day, or every ``FULL_EVERY``.
    """
    today = timezone.localdate()
    day = day or today
    indicators = [registry.get(c) for c in codes] if codes else registry.all_indicators()
    if day < today:
        missing = [i.code for i in indicators if not i.history]
        if missing:
            raise ValueError(f"no history for {', '.join(missing)}: cannot compute a past date")
    paths: dict[int, str] | None = None
    written: dict[str, int] = {}
    for indicator in indicators:
        started = _time.monotonic()
        with transaction.atomic():
            state, _created = RefreshState.objects.select_for_update().get_or_create(
                indicator=indicator.code
            )
            begun = timezone.now()
            done = None
            if incremental and day == today:
                done = _refresh_changed(indicator, state, day, begun)
            if done is None:
                paths = paths if paths is not None else unit_paths()
                done = apply(indicator.code, day, compute(indicator, day, paths))
                if day >= (state.as_of or day):
                    state.full_at = begun
            written[indicator.code] = done
            if day >= (state.as_of or day):
                state.as_of = day
                state.refreshed_at = begun
            state.duration_ms = int((_time.monotonic() - started) * 1000)
            state.rows_written = done
            state.save()
    return written


# A full recompute at least this often, whatever the incremental path says.
FULL_EVERY = timedelta(hours=1)
# Above this many changed units a full recompute is cheaper.
MAX_CHANGED_UNITS = 5000
# Clocks of the web servers and of this job may differ a little.
CLOCK_SLACK = timedelta(seconds=10)


def _tree_changed_since(since) -> bool:
    return Unit.history.filter(history_date__gte=since).exists()


def _refresh_changed(indicator: Indicator, state: RefreshState, day: date, begun) -> int | None:
    """Recompute only the units whose records changed; None when a full recompute is needed."""
    if indicator.changed_units is None or state.as_of != day or state.refreshed_at is None:
        return None
    if state.full_at is None or begun - state.full_at > FULL_EVERY:
        return None
    since = state.refreshed_at - CLOCK_SLACK
    if _tree_changed_since(since):
        return None
    changed = indicator.changed_units(since)
    if changed is None:
        return None
    changed = set(changed)
    if not changed:
        return 0
    if len(changed) > MAX_CHANGED_UNITS:
        return None
    period = period_for(indicator, day)
    new_own: dict[int, list[int]] = {u: [0, 0] for u in changed}
    for unit_id, num, den in indicator.compute(period, units=changed):
        if unit_id in new_own:
            new_own[unit_id][0] += int(num or 0)
            new_own[unit_id][1] += int(den or 0)
    unit_rows = dict(Unit.objects.filter(pk__in=changed).values_list("id", "path"))
    old = _current(indicator.code, day, changed)
    # Difference of each changed unit's own figures, carried to it and every ancestor.
    delta_by_path: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for unit_id, path in unit_rows.items():
        o = old.get(unit_id, (None, None, None, (0, 0, 0, 0)))[3]
        dn, dd = new_own[unit_id][0] - o[2], new_own[unit_id][1] - o[3]
        if dn or dd:
            for ancestor in ancestor_paths(path, include_self=True):
                acc = delta_by_path[ancestor]
                acc[0] += dn
                acc[1] += dd
    if not delta_by_path:
        return 0
    affected = dict(Unit.objects.filter(path__in=list(delta_by_path)).values_list("id", "path"))
    current = _current(indicator.code, day, affected)
    values: dict[int, Values] = {}
    for unit_id, path in affected.items():
        n, d, on, od = current.get(unit_id, (None, None, None, (0, 0, 0, 0)))[3]
        dn, dd = delta_by_path[path]
        if unit_id in new_own:
            on, od = new_own[unit_id]
        vals = (n + dn, d + dd, on, od)
        values[unit_id] = vals if any(vals) else None
    return apply(
        indicator.code, day, {u: v for u, v in values.items() if v is not None}, only=affected
    )


def backfill(start: date, end: date, step_days: int = 1, codes: Iterable[str] | None = None) -> int:
    """Recompute ``start … end`` (inclusive) every ``step_days`` days; returns dates computed."""
    indicators = (
        [registry.get(c) for c in codes]
        if codes
        else [i for i in registry.all_indicators() if i.history]
    )
    codes = [i.code for i in indicators]
    count = 0
    day = start
    while day <= end:
        refresh(day, codes)
        count += 1
        day += timedelta(days=step_days)
    return count
