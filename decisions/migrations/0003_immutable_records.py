"""Recorded evidence and the transition log cannot be changed on the database either.

A raw UPDATE or DELETE raises from a trigger (Spor runs on PostgreSQL only). TRUNCATE (used by test teardown) is not a row operation and stays possible.
"""

from django.db import migrations

TABLES = ["decisions_decision", "decisions_followup", "decisions_correction", "decisions_transitionlog"]

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION spor_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Spor: % rows are immutable (% refused); record a correction instead',
        TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    schema_editor.execute(POSTGRES_FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION spor_refuse_change();"
        )


def remove(apps, schema_editor):
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS spor_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("decisions", "0002_initial")]

    operations = [migrations.RunPython(install, remove)]
