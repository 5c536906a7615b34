"""Seed the union document types (shared/DOMAIN.md); existing rows are left as edited."""

from django.db import migrations


def seed(apps, schema_editor):
    from congdoan.documents.types_data import DOCUMENT_TYPES

    DocumentType = apps.get_model("documents", "DocumentType")
    for order, (code, name, abbreviation, is_copy) in enumerate(DOCUMENT_TYPES, start=1):
        DocumentType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "abbreviation": abbreviation,
                "is_copy": is_copy,
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
