"""Database housekeeping shared by the apps: planner statistics after bulk loads.

PostgreSQL's autovacuum analyses a table only after a minute or so and after enough changed
rows; a query planned before that sees an "empty" table and picks nested loops over tens of
thousands of rows. The demo's indicator step ran for more than nine minutes on a fresh
database that way. Whoever loads many rows at once (the demo, imports, generators) calls
``analyze`` on the tables it filled before anyone queries them.
"""

from __future__ import annotations

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
