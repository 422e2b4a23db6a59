"""A secretary corrects the follow-up date of a recorded decision: the checkpoint follows."""

import datetime

import pytest

from decisions import services
from innovations.services import create_innovation
from reminders.models import Checkpoint

pytestmark = pytest.mark.django_db


def decision_with_follow_up(copenhagen, follow_up_date):
    innovation = create_innovation(
        actor=copenhagen.official,
        title="Digital rehabilitering",
        need="Lange forløb",
        committee=copenhagen.committee,
    )
    return services.record_decision(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 5",
        transition="mandate",
        outcome="approved",
        resolution="Udvalget giver mandat og vil have en status.",
        value_direction="Borgeren hurtigere tilbage til hverdagen.",
        follow_up_date=follow_up_date,
        apply_transition=True,
    ).record


def test_a_corrected_follow_up_date_moves_the_checkpoint(copenhagen):
    today = datetime.date.today()
    decision = decision_with_follow_up(copenhagen, today + datetime.timedelta(days=180))
    checkpoint = Checkpoint.objects.get(origin_decision=decision)

    services.record_correction(
        actor=copenhagen.secretary,
        decision=decision,
        reason="Referatet sagde 90 dage, ikke 180.",
        corrected_values={"follow_up_date": (today + datetime.timedelta(days=90)).isoformat()},
    )

    checkpoint.refresh_from_db()
    assert checkpoint.due_date == today + datetime.timedelta(days=90)
    assert checkpoint.status == "open" and checkpoint.sequence == 1
    assert Checkpoint.objects.filter(origin_decision=decision).count() == 1


def test_a_removed_follow_up_date_cancels_the_checkpoint(copenhagen):
    decision = decision_with_follow_up(
        copenhagen, datetime.date.today() + datetime.timedelta(days=60)
    )

    services.record_correction(
        actor=copenhagen.secretary,
        decision=decision,
        reason="Udvalget bad ikke om en status.",
        corrected_values={"follow_up_date": None},
    )

    checkpoint = Checkpoint.objects.get(origin_decision=decision)
    assert checkpoint.status == "cancelled" and checkpoint.next_reminder_at is None


def test_a_follow_up_date_added_by_correction_sets_a_checkpoint(copenhagen):
    decision = decision_with_follow_up(copenhagen, None)
    assert not Checkpoint.objects.filter(origin_decision=decision).exists()
    due = datetime.date.today() + datetime.timedelta(days=120)

    services.record_correction(
        actor=copenhagen.secretary,
        decision=decision,
        reason="Opfølgningsdatoen manglede i referatet.",
        corrected_values={"follow_up_date": due.isoformat()},
    )

    assert Checkpoint.objects.get(origin_decision=decision).due_date == due
