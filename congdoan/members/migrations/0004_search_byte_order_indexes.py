"""PostgreSQL-only: the name search indexes in byte order (``COLLATE "C"``), with ``id``.

``members.queries`` asks a name prefix as a range of byte-ordered keys and sorts the first
page by the same key, so one index answers the range and the order: the database reads the
50 rows of the page and stops, however many members match. They replace the
``varchar_pattern_ops`` indexes of migrations 0002–0003 on the two name columns (those serve
``LIKE`` but cannot give the rows in order). SQLite compares bytes already: the btree indexes
of 0001/0003 do both there.
"""

from django.db import migrations

INDEXES = {
    "member_name_bytes": 'CREATE INDEX IF NOT EXISTS member_name_bytes ON members_member (name_folded COLLATE "C", id)',
    "member_given_name_bytes": (
        'CREATE INDEX IF NOT EXISTS member_given_name_bytes ON members_member (given_name_folded COLLATE "C", id)'
    ),
}
REPLACED = {
    "member_name_folded_pattern": (
        "CREATE INDEX IF NOT EXISTS member_name_folded_pattern ON members_member (name_folded varchar_pattern_ops)"
    ),
    "member_given_name_pattern": (
        "CREATE INDEX IF NOT EXISTS member_given_name_pattern ON members_member (given_name_folded varchar_pattern_ops)"
    ),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in INDEXES.values():
        schema_editor.execute(sql)
    for name in REPLACED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in REPLACED.values():
        schema_editor.execute(sql)
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("members", "0003_given_name_search")]
    operations = [migrations.RunPython(forwards, backwards)]
