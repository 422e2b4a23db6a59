"""A meeting that carries evidence keeps its committee and date on the database too.

On PostgreSQL a trigger refuses an UPDATE of ``committee_id`` or ``date`` of a meeting that a
decision, a follow-up or a correction (``corrected_values.meeting``) references, and a DELETE
of such a meeting (decisions and follow-ups are also held by their foreign key; a correction
holds the meeting only by its id in ``corrected_values``, so without the trigger the meeting
it moved a record to could be deleted). The link to the minutes may still change.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION spor_meeting_evidence_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.committee_id IS NOT DISTINCT FROM OLD.committee_id
       AND NEW.date IS NOT DISTINCT FROM OLD.date THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM decisions_decision WHERE meeting_id = OLD.id)
       OR EXISTS (SELECT 1 FROM decisions_followup WHERE meeting_id = OLD.id)
       OR EXISTS (
           SELECT 1 FROM decisions_correction
           WHERE corrected_values ? 'meeting'
             AND corrected_values->>'meeting' = OLD.id::text
       ) THEN
        RAISE EXCEPTION 'Spor: meeting % carries evidence; its committee and date are frozen '
            '(% refused); correct the record instead', OLD.id, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGER = """
CREATE TRIGGER organisations_meeting_evidence_frozen
BEFORE UPDATE OF committee_id, date OR DELETE ON organisations_meeting
FOR EACH ROW EXECUTE FUNCTION spor_meeting_evidence_frozen();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(TRIGGER, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS organisations_meeting_evidence_frozen ON organisations_meeting;"
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS spor_meeting_evidence_frozen();")


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0004_accessibility_statement"),
        ("decisions", "0003_immutable_records"),
    ]

    operations = [migrations.RunPython(install, remove)]
