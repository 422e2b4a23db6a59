"""verify_audit: the hash chain finds every record changed, removed or added outside Spor.

Story: the trail is written through the services; then someone with the database superuser's
power disables the immutability triggers, rewrites a decision, deletes a follow-up, slips in a
decision of their own and edits the chain itself, and re-enables the triggers. verify_audit
and the daily task name each row; the organisation's administrators are told.
"""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection
from django.test import override_settings
from notifications.models import Notification

from audit import chain
from audit.models import ChainEntry
from audit.tasks import verify_audit
from decisions.mandate import MandateCard
from decisions.models import Decision, FollowUp, TransitionLog
from innovations import services as innovations

from ..lifecycle import innovation_in, raise_need, record

pytestmark = pytest.mark.django_db


def as_superuser(table: str, sql: str, params=None) -> None:
    """What only the database superuser (or the owner) can do: around the triggers."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events may remain
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def findings() -> set[tuple[str, str, int | None]]:
    return {(f.kind, f.model, f.row_id) for f in chain.verify()}


@pytest.fixture
def trail(copenhagen):
    """An innovation in testing: decisions, a follow-up, log rows and an audit event."""
    innovation = innovation_in(copenhagen, "testing")
    follow_up = record(copenhagen, innovation, "start_evaluation").record
    rejected = record(copenhagen, innovation, "approve_implementation", outcome="rejected").record
    innovations.update_innovation(actor=copenhagen.official, innovation=innovation, title="Ny")
    return innovation, follow_up, rejected


def test_the_trail_written_by_the_services_verifies_clean(trail):
    assert chain.verify() == []
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()
    # every row is in its organisation's chain, positions without gaps
    positions = list(ChainEntry.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))
    assert len(positions) == (
        Decision.objects.count()
        + FollowUp.objects.count()
        + TransitionLog.objects.count()
        + MandateCard.objects.count()  # the mandate's card (issue 13)
        + 1
    )


def test_an_altered_decision_is_found(trail):
    _, _, rejected = trail
    as_superuser(
        "decisions_decision",
        "UPDATE decisions_decision SET outcome = 'approved' WHERE id = %s",
        [rejected.pk],
    )

    assert findings() == {("altered", "decisions.decision", rejected.pk)}
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=io.StringIO())


def test_a_removed_follow_up_and_log_row_are_found(trail):
    _, follow_up, _ = trail
    last_move = TransitionLog.objects.order_by("-id").first()
    # the one removing it first unhooks the checkpoint the follow-up answered
    as_superuser(
        "reminders_checkpoint",
        "UPDATE reminders_checkpoint SET answered_by_follow_up_id = NULL "
        "WHERE answered_by_follow_up_id = %s",
        [follow_up.pk],
    )
    as_superuser(
        "decisions_followup", "DELETE FROM decisions_followup WHERE id = %s", [follow_up.pk]
    )
    as_superuser(
        "decisions_transitionlog",
        "DELETE FROM decisions_transitionlog WHERE id = %s",
        [last_move.pk],
    )

    assert findings() == {
        ("removed", "decisions.followup", follow_up.pk),
        ("removed", "decisions.transitionlog", last_move.pk),
    }


def test_a_decision_inserted_outside_spor_is_found(trail):
    _, _, rejected = trail
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO decisions_decision (innovation_id, meeting_id, agenda_item, transition, "
            "outcome, resolution, minority_statements, value_direction, recorded_by_id, "
            "recorded_at) SELECT innovation_id, meeting_id, 'Indsat', 'approve_implementation', "
            "'approved', 'Godkendt', '', '', recorded_by_id, recorded_at FROM decisions_decision "
            "WHERE id = %s RETURNING id",
            [rejected.pk],
        )
        (inserted,) = cursor.fetchone()

    assert findings() == {("inserted", "decisions.decision", inserted)}


def test_an_edited_or_removed_chain_entry_is_found(trail):
    entries = list(ChainEntry.objects.order_by("position"))
    middle, last = entries[2], entries[-1]
    as_superuser(
        "audit_chainentry",
        "UPDATE audit_chainentry SET content_hash = %s WHERE id = %s",
        ["0" * 64, middle.pk],
    )
    assert ("chain_altered", middle.model, middle.row_id) in findings()

    as_superuser("audit_chainentry", "DELETE FROM audit_chainentry WHERE id = %s", [last.pk])
    kinds = {kind for kind, _, _ in findings()}
    assert {"chain_altered", "chain_removed", "inserted"} <= kinds


def test_rewriting_a_row_and_its_hash_together_still_breaks_the_links(trail):
    _, _, rejected = trail
    entry = ChainEntry.objects.get(model="decisions.decision", row_id=rejected.pk)
    as_superuser(
        "decisions_decision",
        "UPDATE decisions_decision SET outcome = 'approved' WHERE id = %s",
        [rejected.pk],
    )
    row = Decision.objects.filter(pk=rejected.pk).values(*entry.fields).get()
    as_superuser(
        "audit_chainentry",
        "UPDATE audit_chainentry SET content_hash = %s WHERE id = %s",
        [chain.content_hash(row, entry.fields), entry.pk],
    )

    assert ("chain_altered", "decisions.decision", rejected.pk) in findings()


def test_the_daily_task_notifies_the_organisations_administrators(trail, copenhagen):
    _, _, rejected = trail
    assert verify_audit() == 0
    assert not Notification.objects.filter(verb="audit_tampering").exists()
    as_superuser(
        "decisions_decision",
        "UPDATE decisions_decision SET resolution = 'Omskrevet' WHERE id = %s",
        [rejected.pk],
    )

    assert verify_audit() == 1

    (notice,) = Notification.objects.filter(verb="audit_tampering")
    assert notice.recipient == copenhagen.administrator
    assert f"decisions.decision {rejected.pk}" in notice.data["findings"][0]


def test_the_task_is_on_the_beat_schedule():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["audit-verify"]["task"] == "audit.verify"
    assert settings.CELERY_BEAT_SCHEDULE["audit-verify"]["schedule"] == 86400


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_two_transactions_appending_at_once_do_not_fork_the_chain(copenhagen):
    first = raise_need(copenhagen, title="Første")
    second = raise_need(copenhagen, title="Anden")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def record_for(innovation) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                record(copenhagen, innovation, "mandate", outcome="postponed")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=record_for, args=(i,)) for i in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert chain.verify() == []
    assert ChainEntry.objects.filter(model="decisions.decision").count() == 6
