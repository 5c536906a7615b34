"""Fewer indexes to maintain on every write (a 100,000-row import updates each of them 100,000
times; the history table gets a row per change):

- members: the unit foreign key's own index goes, ``(unit, status)`` answers every lookup by
  unit; the given-name index becomes ``(given_name_folded, id)``, which PostgreSQL already has
  from 0004 (created here only where missing); ``member_card_pattern`` (0002) duplicated the
  ``varchar_pattern_ops`` index Django creates for the unique card number on PostgreSQL;
- history: read by member and by date only, so card number, unit, group and merged-into lose
  their indexes.
"""

import django.db.models.deletion
from django.db import migrations, models

CARD_PATTERN_INDEX = (
    "CREATE INDEX IF NOT EXISTS member_card_pattern "
    "ON members_member (card_number varchar_pattern_ops)"
)


def add_given_name_id(apps, schema_editor):
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS member_given_name_id ON members_member (given_name_folded, id)"
    )


def remove_given_name_id(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":  # PostgreSQL had it before (0004)
        schema_editor.execute("DROP INDEX IF EXISTS member_given_name_id")


def drop_card_pattern(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS member_card_pattern")


def restore_card_pattern(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CARD_PATTERN_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_search_byte_order_indexes"),
        ("org", "0002_alter_historicalunit_code_alter_unit_code"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="member",
            name="member_given_name_folded",
        ),
        migrations.AlterField(
            model_name="historicalmember",
            name="card_number",
            field=models.CharField(max_length=32, verbose_name="union card number"),
        ),
        migrations.AlterField(
            model_name="historicalmember",
            name="group",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="org.unit",
                verbose_name="union group",
            ),
        ),
        migrations.AlterField(
            model_name="historicalmember",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="members.member",
                verbose_name="merged into",
            ),
        ),
        migrations.AlterField(
            model_name="historicalmember",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="org.unit",
                verbose_name="grassroots union",
            ),
        ),
        # Only the index goes: AlterField would also drop and re-validate the foreign key.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="member",
                    name="unit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="members",
                        to="org.unit",
                        verbose_name="grassroots union",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "members_member_unit_id_485c11e6"',
                    'CREATE INDEX IF NOT EXISTS "members_member_unit_id_485c11e6" '
                    'ON "members_member" ("unit_id")',
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="member",
                    index=models.Index(
                        fields=["given_name_folded", "id"], name="member_given_name_id"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(add_given_name_id, remove_given_name_id)],
        ),
        migrations.RunPython(drop_card_pattern, restore_card_pattern),
    ]
