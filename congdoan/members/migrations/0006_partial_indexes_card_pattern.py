"""More write cost off the member tables (see 0005):

- the group and merged-into foreign keys get partial indexes (most members have no group and
  are merged into nobody, and those rows need no index entry); only the indexes change, the
  foreign keys are not dropped and re-validated;
- history rows keep their user without a database foreign key (Django still sets it to NULL
  when a user is deleted), so imports do not check one per history row;
- PostgreSQL: the ``varchar_pattern_ops`` index Django adds for the unique card number goes:
  card numbers are looked up by equality (the unique index) and by suffix (no index helps).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


CARD_LIKE = "members_member_card_number_429e92e0_like"


def drop_card_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{CARD_LIKE}"')


def create_card_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{CARD_LIKE}" '
            'ON "members_member" ("card_number" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_fewer_write_indexes"),
        ("org", "0002_alter_historicalunit_code_alter_unit_code"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_card_like_index, create_card_like_index),
        migrations.AlterField(
            model_name="historicalmember",
            name="history_user",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="member",
                    name="group",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="group_members",
                        to="org.unit",
                        verbose_name="union group",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "members_member_group_id_2e1796ed"',
                    'CREATE INDEX IF NOT EXISTS "members_member_group_id_2e1796ed" ON "members_member" ("group_id")',
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="member",
                    name="merged_into",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="merged_from",
                        to="members.member",
                        verbose_name="merged into",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "members_member_merged_into_id_ee42ca14"',
                    'CREATE INDEX IF NOT EXISTS "members_member_merged_into_id_ee42ca14" ON "members_member" ("merged_into_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                condition=models.Q(("group__isnull", False)), fields=["group"], name="member_group"
            ),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)),
                fields=["merged_into"],
                name="member_merged_into",
            ),
        ),
    ]
