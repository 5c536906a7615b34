"""Load the competence framework of Circular 02/2025/TT-BGDĐT (6 areas, 24 competences)."""

from django.db import migrations


def seed(apps, schema_editor):
    from congdoan.skills import framework_data

    framework_data.load(
        apps.get_model("skills", "FrameworkVersion"),
        apps.get_model("skills", "CompetenceArea"),
        apps.get_model("skills", "Competence"),
    )


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
