"""Mandate cards and what is held against them cannot be changed on the database either.

The same trigger function as the decisions (migration 0003) refuses a raw UPDATE or DELETE.
The involvement log is the administration's working record, not evidence: it has none.
"""

from django.db import migrations

TABLES = [
    "decisions_mandatecard",
    "decisions_mandateindicator",
    "decisions_valuedirectioncheck",
    "decisions_indicatorreading",
    "decisions_mandateevaluation",
    "decisions_indicatorresult",
]


def install(apps, schema_editor):
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION spor_refuse_change();"
        )


def remove(apps, schema_editor):
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};")


class Migration(migrations.Migration):
    dependencies = [("decisions", "0005_mandate_card")]

    operations = [migrations.RunPython(install, remove)]
