"""PostgreSQL-only search indexes (the seam of shared/DESIGN.md: SQLite keeps the portable
btree index on ``name_folded`` created in 0001).

- ``varchar_pattern_ops`` makes ``name_folded LIKE 'nguyen van a%'`` an index range scan in
  any collation;
- a trigram GIN index (``pg_trgm``) serves the word-prefix search ``LIKE '% an%'``. Creating
  the extension needs a privileged role; without it the trigram index is skipped and the
  search still works (slower for word-inside-name queries).
"""

from django.db import migrations, transaction

PATTERN_INDEX = (
    "CREATE INDEX IF NOT EXISTS member_name_folded_pattern "
    "ON members_member (name_folded varchar_pattern_ops)"
)
CARD_PATTERN_INDEX = "CREATE INDEX IF NOT EXISTS member_card_pattern ON members_member (card_number varchar_pattern_ops)"
TRIGRAM_INDEX = (
    "CREATE INDEX IF NOT EXISTS member_name_folded_trgm "
    "ON members_member USING gin (name_folded gin_trgm_ops)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(PATTERN_INDEX)
    schema_editor.execute(CARD_PATTERN_INDEX)
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(TRIGRAM_INDEX)
    except Exception:  # no privilege for the extension: keep the portable path
        pass


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ("member_name_folded_pattern", "member_card_pattern", "member_name_folded_trgm"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
