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
from collections.abc import Iterable

from django.db import connections, models


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
