"""Fast insertion of many new members with their history rows (demo data, large imports).

``bulk_create`` on SQLite is held to 999 parameters a statement (about 25 members), so the
demo and the import write through ``executemany`` on one prepared statement instead (``COPY``
on PostgreSQL), with ids reserved first (PostgreSQL: from the sequence; SQLite: after the
current maximum, safe because SQLite transactions here take the write lock when they begin).
Values are prepared by the model fields themselves, so the rows are exactly what ``save``
would have written.

Writing is two steps: ``prepare_insert`` does the Python work (ids, timestamps, the rows in
the driver's or COPY's form) and ``write_insert`` only talks to the database, so that a large
import can prepare one batch while another thread writes the previous one.
"""

from __future__ import annotations

import datetime
import decimal
import operator
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Max
from django.utils import timezone

from congdoan.accounts.models import User

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


# --- COPY text format -----------------------------------------------------------------------------
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    """One value in PostgreSQL's COPY text format (``\\N`` is NULL)."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return (
            value.translate(_COPY_ESCAPES) if ("\\" in value or not value.isprintable()) else value
        )
    if kind is bool:
        return "t" if value else "f"
    if kind is int or kind is decimal.Decimal:
        return str(value)
    if kind is datetime.date or kind is datetime.datetime:
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _copy_str(value) -> str:
    if type(value) is not str:
        value = str(value)  # a choices member: its value
    return value if value.isprintable() and "\\" not in value else value.translate(_COPY_ESCAPES)


_PLAIN = frozenset({str, int, bool, decimal.Decimal, datetime.date, datetime.datetime})


def copy_lines(objects: list, fields, connection) -> bytes:
    """``objects`` as the body of ``COPY … FROM STDIN`` (text format), column by column.

    The values are read with one ``attrgetter`` call per object, and each column is rendered in the cheapest way its values
    allow: a column of plain text that needs no escaping is used as it is, numbers go through
    ``str``, and other values (dates, choices, timestamps) are rendered once per distinct value.
    The rows are then joined in C (``zip`` and ``str.join``). Several times faster than
    rendering row by row.
    """
    if not objects:
        return b""
    rows = map(operator.attrgetter(*[f.attname for f in fields]), objects)
    columns = [
        _copy_column(list(values), f, connection)
        for values, f in zip(zip(*rows, strict=True), fields, strict=True)
    ]
    return ("\n".join(map("\t".join, zip(*columns, strict=True))) + "\n").encode()


def _copy_column(values: list, field, connection) -> list[str]:
    has_none = any(v is None for v in values)
    present = [v for v in values if v is not None] if has_none else values
    kinds = set(map(type, present))
    if kinds <= {str}:
        text = "".join(present)
        clean = text.isprintable() and "\\" not in text
        rendered = present if clean else [_copy_str(v) for v in present]
    elif kinds == {int}:
        rendered = list(map(str, present))
    elif kinds == {bool}:
        rendered = ["t" if v else "f" for v in present]
    else:
        if not kinds <= _PLAIN and not all(issubclass(k, str | int) for k in kinds):
            present = [field.get_db_prep_save(v, connection) for v in present]
        try:
            seen = {v: _copy_value(v) for v in set(present)}
            rendered = [seen[v] for v in present]
        except TypeError:  # unhashable values
            rendered = [_copy_value(v) for v in present]
    if not has_none:
        return rendered
    it = iter(rendered)
    return ["\\N" if v is None else next(it) for v in values]


# --- prepare, then write ----------------------------------------------------------------------
@dataclass
class PreparedInsert:
    """New members ready to be written: ids given, rows rendered."""

    ids: list[int]
    member_columns: list[str]
    member_rows: bytes | list  # COPY text on PostgreSQL, executemany rows elsewhere
    history_columns: list[str]
    history_rows: list | None  # elsewhere than PostgreSQL (there: copied from the member rows)
    history_tail: list | None  # history date, reason, type, user; None: no history
    tracked_columns: list[str]
    vendor: str

    def __len__(self) -> int:
        return len(self.ids)


def _reserve_ids(connection, count: int) -> list[int]:
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


def prepare_insert(
    members: list[Member],
    *,
    user: User | None = None,
    reason: str = "",
    when: datetime.datetime | None = None,
    history: bool = True,
) -> PreparedInsert:
    """Give ``members`` (``prepare()`` already called) their ids and render their rows.

    On PostgreSQL the ids come from the sequence (taken for good, so this needs no transaction);
    elsewhere from the table's maximum, so ``write_insert`` must follow in the same transaction.
    """
    connection = connections[DEFAULT_DB_ALIAS]  # the real connection, not the per-access proxy
    now = timezone.now()
    when = when or now
    ids = _reserve_ids(connection, len(members)) if members else []
    for member, pk in zip(members, ids, strict=True):
        member.pk = member.id = pk
        member.created_at = member.created_at or now
        member.updated_at = now
        member._state.adding = False
    fields = list(Member._meta.concrete_fields)
    attnames = [f.attname for f in fields]
    postgres = connection.vendor == "postgresql"
    if postgres:
        member_rows = copy_lines(members, fields, connection)
    else:
        member_rows = list(_rows(members, attnames, _converters(fields, connection)))

    historical = Member.history.model
    names = set(attnames)
    tracked = [
        f
        for f in historical._meta.concrete_fields
        if not f.name.startswith("history_") and f.attname in names
    ]
    history_columns = [f.column for f in tracked] + [
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user_id",
    ]
    tail = None
    history_rows = None
    if history:
        date_field = historical._meta.get_field("history_date")
        tail = [
            date_field.get_db_prep_save(when, connection),
            reason[:100] or None,
            "+",
            getattr(user, "pk", None),
        ]
        if not postgres:
            history_rows = list(
                _rows(
                    members,
                    [f.attname for f in tracked],
                    _converters(tracked, connection),
                    tail,
                )
            )
    by_attname = {f.attname: f for f in fields}
    return PreparedInsert(
        ids=ids,
        member_columns=[f.column for f in fields],
        member_rows=member_rows,
        history_columns=history_columns,
        history_rows=history_rows,
        history_tail=tail,
        tracked_columns=[by_attname[f.attname].column for f in tracked],
        vendor=connection.vendor,
    )


def write_insert(prepared: PreparedInsert) -> None:
    """Write what ``prepare_insert`` made: the member rows, then one "+" history row each."""
    if not prepared.ids:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    member_table = Member._meta.db_table
    historical = Member.history.model
    with transaction.atomic():
        if connection.vendor == "postgresql":
            sql = "COPY {} ({}) FROM STDIN".format(
                quote(member_table), ", ".join(quote(c) for c in prepared.member_columns)
            )
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                copy.write(prepared.member_rows)
            if prepared.history_tail is None:
                return
            # The history rows are the member rows just written: PostgreSQL copies them itself.
            # The ids come from one call of the sequence: almost always one run, so the rows are
            # read by a range of the primary key (``= ANY`` alone probes the index once per id).
            pk = quote(Member._meta.pk.column)
            sql = (
                "INSERT INTO {} ({}) SELECT {}, %s, %s, %s, %s FROM {} "
                "WHERE {} BETWEEN %s AND %s AND {} = ANY(%s) ORDER BY {}"
            ).format(
                quote(historical._meta.db_table),
                ", ".join(quote(c) for c in prepared.history_columns),
                ", ".join(quote(c) for c in prepared.tracked_columns),
                quote(member_table),
                pk,
                pk,
                pk,
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    sql,
                    [
                        *prepared.history_tail,
                        min(prepared.ids),
                        max(prepared.ids),
                        prepared.ids,
                    ],
                )
            return
        _executemany(connection, member_table, prepared.member_columns, prepared.member_rows)
        if prepared.history_rows is not None:
            _executemany(
                connection,
                historical._meta.db_table,
                prepared.history_columns,
                prepared.history_rows,
            )


def insert_members(
    members: list[Member],
    *,
    user: User | None = None,
    reason: str = "",
    when: datetime.datetime | None = None,
    history: bool = True,
) -> None:
    """Insert new ``members`` (``prepare()`` already called) and one "+" history row each."""
    if not members:
        return
    with transaction.atomic():
        write_insert(prepare_insert(members, user=user, reason=reason, when=when, history=history))


def _executemany(connection, table: str, columns: list[str], rows) -> None:
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(rows))
