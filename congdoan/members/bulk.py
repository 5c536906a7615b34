"""Fast insertion of many new members with their history rows (demo data, large imports).

``bulk_create`` on SQLite is held to 999 parameters a statement (about 25 members), so the
demo and the import write through ``executemany`` on one prepared statement instead (``COPY``
on PostgreSQL), with
ids reserved first (PostgreSQL: from the sequence; SQLite: after the current maximum, safe
because SQLite transactions here take the write lock when they begin). Values are prepared
by the model fields themselves, so the rows are exactly what ``save`` would have written.
"""

from __future__ import annotations

import datetime

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db import connection as default_connection
from django.db.models import Max
from django.utils import timezone

from .models import Member

# Field types whose Python value the database driver takes as it is.
_PASS_THROUGH = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey,
                 models.AutoField, models.BigAutoField)


def _converters(fields, connection):
    """One function per field turning a Python value into the value the driver is given."""
    converters = []
    for f in fields:
        if isinstance(f, _PASS_THROUGH) and not isinstance(f, models.JSONField):
            converters.append(None)
        else:
            converters.append(lambda value, f=f: f.get_db_prep_save(value, connection))
    return converters


def _row(obj, attnames, converters):
    values = [getattr(obj, a) for a in attnames]
    return [v if c is None or v is None else c(v) for v, c in zip(values, converters, strict=True)]


def _reserve_ids(count: int) -> list[int]:
    connection = default_connection
    table = Member._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [count]
            )
            return [row[0] for row in cursor.fetchall()]
    start = (Member.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    return list(range(start, start + count))


def insert_members(members: list[Member], *, user=None, reason: str = "", when: datetime.datetime | None = None,
                   history: bool = True) -> None:
    """Insert new ``members`` (``prepare()`` already called) and one "+" history row each."""
    if not members:
        return
    connection = connections[DEFAULT_DB_ALIAS]  # the real connection, not the per-access proxy
    with transaction.atomic():
        now = timezone.now()
        when = when or now
        for member, pk in zip(members, _reserve_ids(len(members)), strict=True):
            member.pk = member.id = pk
            member.created_at = member.created_at or now
            member.updated_at = now
            member._state.adding = False
        fields = [f for f in Member._meta.concrete_fields]
        attnames, converters = [f.attname for f in fields], _converters(fields, connection)
        _executemany(connection, Member._meta.db_table, [f.column for f in fields],
                     (_row(m, attnames, converters) for m in members))
        if not history:
            return
        historical = Member.history.model
        tracked = [f for f in historical._meta.concrete_fields
                   if not f.name.startswith("history_") and f.attname in {x.attname for x in fields}]
        columns = [f.column for f in tracked] + ["history_date", "history_change_reason", "history_type",
                                                 "history_user_id"]
        user_id = getattr(user, "pk", None)
        date_field = historical._meta.get_field("history_date")
        when_db = date_field.get_db_prep_save(when, connection)
        attnames, converters = [f.attname for f in tracked], _converters(tracked, connection)
        tail = [when_db, reason[:100] or None, "+", user_id]
        _executemany(connection, historical._meta.db_table, columns,
                     (_row(m, attnames, converters) + tail for m in members))


def _executemany(connection, table: str, columns: list[str], rows) -> None:
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # COPY: the fastest way into PostgreSQL; psycopg adapts the Python values itself.
        sql = "COPY {} ({}) FROM STDIN".format(quote(table), ", ".join(quote(c) for c in columns))
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(rows))
