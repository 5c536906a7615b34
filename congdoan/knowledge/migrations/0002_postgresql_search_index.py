"""PostgreSQL-only: the GIN index the full-text search is answered from (the seam of
shared/DESIGN.md; SQLite searches ``search_text`` with LIKE and needs no index for it).

The index is on the expression ``queries.TSVECTOR_SQL`` (no stored tsvector column to keep
in step); the ``simple`` configuration because the text is already folded and Vietnamese has
no stemmer in PostgreSQL.
"""

from django.db import migrations

INDEX = (
    "CREATE INDEX IF NOT EXISTS knowledge_article_search_gin ON knowledge_article "
    "USING gin (to_tsvector('simple'::regconfig, search_text))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS knowledge_article_search_gin")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
