"""Side door 10: the application's database role cannot rewrite the trail.

Spor connects as a role that owns nothing: it may not TRUNCATE, ALTER a table (so it cannot
disable the immutability triggers), set session_replication_role (which skips triggers), or
move an innovation by a plain UPDATE of its state. The test connects as that role, as the
web and the workers do in production, to the test database after the grants migrate gives.
"""

from __future__ import annotations

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from decisions.models import TransitionLog
from innovations.models import Innovation

from ..lifecycle import innovation_in

real_database = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def app_connection() -> psycopg.Connection:
    params = connection.settings_dict
    return psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        dbname=params["NAME"],
        user=settings.SPOR_DB_APP_ROLE,
        autocommit=True,
    )


def refused(sql: str, params=None) -> str:
    with app_connection() as app, pytest.raises(psycopg.Error) as error:
        app.execute(sql, params)
    return str(error.value)


@real_database
def test_the_app_role_reads_and_writes_ordinary_rows(copenhagen):
    innovation = innovation_in(copenhagen, "exploring")
    with app_connection() as app:
        title = app.execute(
            "SELECT title FROM innovations_innovation WHERE id = %s", [innovation.pk]
        ).fetchone()[0]
        app.execute(
            "UPDATE innovations_innovation SET title = %s WHERE id = %s",
            [title + " (ny)", innovation.pk],
        )
    assert Innovation.objects.get(pk=innovation.pk).title == title + " (ny)"


@real_database
def test_the_app_role_cannot_truncate_alter_or_skip_triggers(copenhagen):
    innovation_in(copenhagen, "exploring")

    assert "permission denied" in refused("TRUNCATE decisions_transitionlog CASCADE")
    assert "must be owner" in refused(
        "ALTER TABLE decisions_decision DISABLE TRIGGER decisions_decision_immutable"
    )
    assert "must be owner" in refused("ALTER TABLE decisions_decision DISABLE TRIGGER ALL")
    assert "permission denied" in refused("SET session_replication_role = replica")
    assert "must be owner" in refused("DROP TABLE decisions_followup")
    assert "permission denied" in refused("UPDATE decisions_transitionlog SET reason = 'x'")
    assert "permission denied" in refused("DELETE FROM decisions_decision")
    assert "permission denied" in refused("DELETE FROM audit_auditevent")
    assert TransitionLog.objects.count() == 1


@real_database
def test_a_plain_update_of_the_state_fails_without_its_log_row(copenhagen):
    innovation = innovation_in(copenhagen, "exploring")

    message = refused(
        "UPDATE innovations_innovation SET state = 'implementing' WHERE id = %s", [innovation.pk]
    )

    assert "without a transition-log row" in message
    assert Innovation.objects.get(pk=innovation.pk).state == "exploring"


@real_database
def test_an_old_log_row_for_the_same_move_does_not_authorise_it(copenhagen):
    # exploring -> testing -> exploring (recycle): a log row "exploring -> testing" exists,
    # from an earlier transaction; a plain UPDATE repeating that move is still refused.
    innovation = innovation_in(copenhagen, "testing")
    from ..lifecycle import walk

    walk(copenhagen, innovation, ["recycle"])
    assert TransitionLog.objects.filter(source="exploring", target="testing").exists()

    message = refused(
        "UPDATE innovations_innovation SET state = 'testing' WHERE id = %s", [innovation.pk]
    )

    assert "without a transition-log row" in message


@real_database
def test_a_move_written_with_its_log_row_in_one_transaction_passes(copenhagen):
    # what the services do, in SQL: the state and the log row for exactly that move
    innovation = innovation_in(copenhagen, "exploring")
    actor = copenhagen.secretary.pk
    with app_connection() as app, app.transaction():
        app.execute(
            "UPDATE innovations_innovation SET state = 'paused' WHERE id = %s", [innovation.pk]
        )
        app.execute(
            "INSERT INTO decisions_transitionlog (innovation_id, transition, source, target, "
            "actor_id, at, reason, learning) VALUES (%s, 'pause', 'exploring', 'paused', %s, "
            "now(), '', '')",
            [innovation.pk, actor],
        )
    assert Innovation.objects.get(pk=innovation.pk).state == "paused"

    # a log row for another move does not do
    with pytest.raises(psycopg.Error), app_connection() as app, app.transaction():
        app.execute(
            "UPDATE innovations_innovation SET state = 'stopped' WHERE id = %s", [innovation.pk]
        )
        app.execute(
            "INSERT INTO decisions_transitionlog (innovation_id, transition, source, target, "
            "actor_id, at, reason, learning) VALUES (%s, 'resume', 'paused', 'exploring', %s, "
            "now(), '', '')",
            [innovation.pk, actor],
        )
    assert Innovation.objects.get(pk=innovation.pk).state == "paused"
