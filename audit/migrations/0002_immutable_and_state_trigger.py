"""Audit events and chain entries are append-only on the database too, and an innovation's
phase changes only together with the transition-log row for exactly that move.

The state trigger is a deferred constraint trigger: the services save the innovation before
they insert its log row, so the check runs at commit, when both are written. It looks for a
log row of this innovation from the old phase to the new one whose inserting transaction is
this one (its ``xmin`` is still in progress: rows of other running transactions are not
visible, rows of earlier ones are committed). A plain ``UPDATE ... SET state`` fails at commit.
"""

from django.db import migrations

IMMUTABLE = ["audit_auditevent", "audit_chainentry"]

STATE_FUNCTION = """
CREATE OR REPLACE FUNCTION spor_state_needs_log() RETURNS trigger AS $$
DECLARE
    epoch bigint := (pg_current_xact_id()::text::bigint >> 32) << 32;
    row_xmin bigint;
BEGIN
    FOR row_xmin IN
        SELECT log.xmin::text::bigint FROM decisions_transitionlog log
        WHERE log.innovation_id = NEW.id AND log.source = OLD.state AND log.target = NEW.state
    LOOP
        BEGIN
            -- our own (sub)transaction's rows are the only visible rows still in progress
            IF pg_xact_status((epoch | row_xmin)::text::xid8) = 'in progress' THEN
                RETURN NULL;
            END IF;
        EXCEPTION WHEN OTHERS THEN
            NULL;  -- an xid of an earlier epoch reads as one in the future: not ours
        END;
    END LOOP;
    RAISE EXCEPTION 'Spor: innovation % moved from % to % without a transition-log row',
        NEW.id, OLD.state, NEW.state USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

STATE_TRIGGER = """
CREATE CONSTRAINT TRIGGER innovations_innovation_state_needs_log
AFTER UPDATE OF state ON innovations_innovation
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)
EXECUTE FUNCTION spor_state_needs_log();
"""


def install(apps, schema_editor):
    for table in IMMUTABLE:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION spor_refuse_change();"
        )
    schema_editor.execute(STATE_FUNCTION, params=None)
    schema_editor.execute(STATE_TRIGGER, params=None)


def remove(apps, schema_editor):
    for table in IMMUTABLE:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};")
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS innovations_innovation_state_needs_log ON innovations_innovation;"
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS spor_state_needs_log();")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_audit_events_and_hash_chain"),
        ("decisions", "0003_immutable_records"),
    ]

    operations = [migrations.RunPython(install, remove)]
