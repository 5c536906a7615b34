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
import operator

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db import connection as default_connection
from django.db.models import Max
from django.utils import timezone

from .models import Member

# Field types whose Python value the database driver takes as it is.
_PASS_THROUGH = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.AutoField,
    models.BigAutoField,
)


def _converters(fields, connection):
    """One function per field turning a Python value into the value the driver is given.

    PostgreSQL's driver takes dates and datetimes as they are; elsewhere each distinct value
    (the import's rows share a handful of timestamps and dates) is converted once.
    """
    pass_through = _PASS_THROUGH + (
        (models.DateField,) if connection.vendor == "postgresql" else ()
    )
    converters = []
    for f in fields:
        if isinstance(f, pass_through) and not isinstance(f, models.JSONField):
            converters.append(None)
        elif isinstance(f, models.DateField):
            converters.append(_memoised(lambda value, f=f: f.get_db_prep_save(value, connection)))
        else:
            converters.append(lambda value, f=f: f.get_db_prep_save(value, connection))
    return converters


def _memoised(convert):
    seen: dict = {}

    def converter(value):
        try:
            return seen[value]
        except KeyError:
            result = seen[value] = convert(value)
            return result

    return converter


def _rows(objects, attnames, converters, tail=()):
    """The driver values of ``objects`` (one ``attrgetter`` call a row, converters only where needed)."""
    getter = operator.attrgetter(*attnames)
    converting = [(i, c) for i, c in enumerate(converters) if c is not None]
    tail = list(tail)
    for obj in objects:
        row = list(getter(obj))
        for i, convert in converting:
            value = row[i]
            if value is not None:
                row[i] = convert(value)
        if tail:
            row += tail
        yield row


def _reserve_ids(count: int) -> list[int]:
    connection = default_connection
    table = Member._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
                [count],
            )
            return [row[0] for row in cursor.fetchall()]
    start = (Member.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    return list(range(start, start + count))


def insert_members(
    members: list[Member],
    *,
    user=None,
    reason: str = "",
    when: datetime.datetime | None = None,
    history: bool = True,
) -> None:
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
        _executemany(
            connection,
            Member._meta.db_table,
            [f.column for f in fields],
            _rows(members, attnames, converters),
        )
        if not history:
            return
        historical = Member.history.model
        tracked = [
            f
            for f in historical._meta.concrete_fields
            if not f.name.startswith("history_") and f.attname in {x.attname for x in fields}
        ]
        columns = [f.column for f in tracked] + [
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
        ]
        user_id = getattr(user, "pk", None)
        date_field = historical._meta.get_field("history_date")
        when_db = date_field.get_db_prep_save(when, connection)
        tail = [when_db, reason[:100] or None, "+", user_id]
        if connection.vendor == "postgresql":
            # The history rows are the member rows just written: PostgreSQL copies them itself.
            quote = connection.ops.quote_name
            by_attname = {f.attname: f for f in fields}
            sql = "INSERT INTO {} ({}) SELECT {}, %s, %s, %s, %s FROM {} WHERE {} = ANY(%s) ORDER BY {}".format(
                quote(historical._meta.db_table),
                ", ".join(quote(c) for c in columns),
                ", ".join(quote(by_attname[f.attname].column) for f in tracked),
                quote(Member._meta.db_table),
                quote(Member._meta.pk.column),
                quote(Member._meta.pk.column),
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [*tail, [m.pk for m in members]])
            return
        attnames, converters = [f.attname for f in tracked], _converters(tracked, connection)
        _executemany(
            connection,
            historical._meta.db_table,
            columns,
            _rows(members, attnames, converters, tail),
        )


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
