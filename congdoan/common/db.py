"""Database housekeeping shared by the apps: planner statistics after bulk loads, and row
counts estimated where an exact count would read too many rows.

PostgreSQL's autovacuum analyses a table only after a minute or so and after enough changed
rows; a query planned before that sees an "empty" table and picks nested loops over tens of
thousands of rows. The demo's indicator step ran for more than nine minutes on a fresh
database that way. Whoever loads many rows at once (the demo, imports, generators) calls
``analyze`` on the tables it filled before anyone queries them.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable

from django.db import connections, models, transaction

logger = logging.getLogger(__name__)


def analyze(model_classes: Iterable[type[models.Model]], using: str = "default") -> list[str]:
    """Refresh the planner statistics of these models' tables (and their m2m/history tables
    that Django created for them); returns the table names analysed.

    Runs ``ANALYZE`` on PostgreSQL and on SQLite (whose planner reads ``sqlite_stat1``);
    other engines are left alone. Safe inside or outside a transaction.
    """
    connection = connections[using]
    if connection.vendor not in {"postgresql", "sqlite"}:
        return []
    tables: list[str] = []
    for model in model_classes:
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        tables.append(meta.db_table)
        tables.extend(
            field.remote_field.through._meta.db_table
            for field in meta.local_many_to_many
            if field.remote_field.through._meta.auto_created
        )
    tables = sorted(set(tables))
    existing = set(connection.introspection.table_names())
    tables = [table for table in tables if table in existing]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return tables


def analyze_after_commit(model_classes: Iterable[type[models.Model]]) -> None:
    """``analyze`` these models once the current transaction commits, off the caller's path.

    On PostgreSQL ``ANALYZE`` of a freshly filled table reads a sample of up to 300,000 rows
    (the member name columns keep a 1,000-bucket histogram): about a second after a
    100,000-row import, which the officer waiting for "done" need not wait for. It runs in a
    thread with a connection of its own (a failure is logged; autovacuum would do it a minute
    later anyway). SQLite's is cheap and runs in line.
    """
    model_classes = list(model_classes)

    def run() -> None:
        if connections["default"].vendor != "postgresql":
            analyze(model_classes)
            return
        thread = threading.Thread(
            target=_analyze_in_thread, args=(model_classes,), daemon=True, name="analyze"
        )
        thread.start()
        _threads.append(thread)

    transaction.on_commit(run)


_threads: list[threading.Thread] = []  # started by ``analyze_after_commit`` (tests join them)


def _analyze_in_thread(model_classes: list[type[models.Model]]) -> None:
    try:
        analyze(model_classes)
    except Exception:
        logger.exception("ANALYZE after a bulk load failed")
    finally:
        connections.close_all()  # this thread's own connections


def wait_for_background_analyze(timeout: float = 60.0) -> None:
    """Join the threads ``analyze_after_commit`` started (tests, benchmarks)."""
    while _threads:
        _threads.pop().join(timeout)


def planner_estimate(qs: models.QuerySet) -> int | None:
    """The planner's estimate of the rows of ``qs`` (PostgreSQL's ``EXPLAIN``, no row read);
    None on engines without one."""
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def count_rows(qs: models.QuerySet, exact_up_to: int) -> tuple[int, bool]:
    """``(n, exact)``: the exact count when it is at most ``exact_up_to`` (a LIMIT subquery reads
    no more rows than that), otherwise PostgreSQL's estimate, never below ``exact_up_to + 1``
    (shown as "about …"). SQLite, the embedded default of one province, has no estimate and
    counts every row: its tables are small enough for that."""
    n = qs.order_by()[: exact_up_to + 1].count()
    if n <= exact_up_to:
        return n, True
    estimate = planner_estimate(qs)
    if estimate is None:
        return qs.count(), True
    return max(estimate, exact_up_to + 1), False
