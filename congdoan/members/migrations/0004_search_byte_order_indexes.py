"""PostgreSQL-only: the two folded name columns compare byte by byte (``COLLATE "C"``).

``members.queries`` asks a name prefix as a range of keys (``key <= name < key + U+10FFFF``)
and sorts a first page by the same column, so one btree index answers the range and the
order: the database reads the 50 rows of the page and stops, however many members match.
In the C collation the planner also keeps its statistics for those ranges (an expression
``COLLATE "C"`` on a column of another collation gets default guesses and bad plans), with
a finer histogram (below). 1.1 M rows: ~30 s.
Byte order is what SQLite uses anyway, so both databases sort names alike.

The ``varchar_pattern_ops`` indexes of migrations 0002–0003 on these columns serve ``LIKE``
only and go; so does the trigram index of 0002 (no search asks for a word inside a name any
more since the given-name column of 0003, and the planner used it to intersect a large prefix
with a small unit: 70 ms instead of 2). ``(given_name_folded, id)`` gives the given-name run
in page order.

The model state does not carry the collation (SQLite has no "C"): a later ``AlterField`` of
these columns on PostgreSQL must keep ``COLLATE "C"``.
"""

from django.db import migrations, transaction

FORWARDS = [
    "DROP INDEX IF EXISTS member_name_folded_pattern",
    "DROP INDEX IF EXISTS member_given_name_pattern",
    "DROP INDEX IF EXISTS member_name_folded_trgm",
    'ALTER TABLE members_member ALTER COLUMN name_folded TYPE varchar(150) COLLATE "C"',
    'ALTER TABLE members_member ALTER COLUMN given_name_folded TYPE varchar(150) COLLATE "C"',
    "CREATE INDEX IF NOT EXISTS member_given_name_id ON members_member (given_name_folded, id)",
    # Names cluster (a tenth of the people are "Nguyễn"): with the default 100 histogram buckets a
    # prefix such as "duong" falls inside one bucket and is estimated at 1 row instead of 11,000,
    # and the planner then reads every match to sort them.
    "ALTER TABLE members_member ALTER COLUMN name_folded SET STATISTICS 1000",
    "ALTER TABLE members_member ALTER COLUMN given_name_folded SET STATISTICS 1000",
    "ANALYZE members_member",
]
BACKWARDS = [
    "ALTER TABLE members_member ALTER COLUMN name_folded SET STATISTICS -1",
    "ALTER TABLE members_member ALTER COLUMN given_name_folded SET STATISTICS -1",
    "DROP INDEX IF EXISTS member_given_name_id",
    'ALTER TABLE members_member ALTER COLUMN name_folded TYPE varchar(150) COLLATE "default"',
    'ALTER TABLE members_member ALTER COLUMN given_name_folded TYPE varchar(150) COLLATE "default"',
    "CREATE INDEX IF NOT EXISTS member_name_folded_pattern ON members_member (name_folded varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS member_given_name_pattern ON members_member (given_name_folded varchar_pattern_ops)",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARDS:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARDS:
            schema_editor.execute(sql)
        try:  # as in 0002: only where the pg_trgm extension exists
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute(
                    "CREATE INDEX IF NOT EXISTS member_name_folded_trgm ON members_member USING gin (name_folded gin_trgm_ops)"
                )
        except Exception:
            pass


class Migration(migrations.Migration):
    dependencies = [("members", "0003_given_name_search")]
    operations = [migrations.RunPython(forwards, backwards)]
