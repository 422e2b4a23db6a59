"""A correction that changes what a record means takes its checkpoints with it.

Annulling a decision cancels the checkpoints it set (its follow-up date, its postponement,
its referral) and re-opens the checkpoint it answered; a changed outcome sets or cancels the
postponement's and the referral's checkpoints; a record moved to another innovation leaves
the first innovation's checkpoints as if it had never been recorded there and answers the
other's. A correction of the votes alone changes nothing due.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from decisions import services
from innovations.services import create_innovation
from reminders import services as reminders
from reminders.models import Checkpoint

pytestmark = pytest.mark.django_db


def raise_innovation(world, title="Digital rehabilitering"):
    return create_innovation(
        actor=world.official, title=title, need="Lange forløb", committee=world.committee
    )


def decide(world, innovation, *, outcome="rejected", follow_up_date=None, transition="mandate"):
    return services.record_decision(
        actor=world.secretary,
        innovation=innovation,
        meeting=world.meeting,
        agenda_item="Punkt 5",
        transition=transition,
        outcome=outcome,
        resolution="Udvalget beslutter.",
        value_direction="Borgeren hurtigere tilbage til hverdagen.",
        follow_up_date=follow_up_date,
        apply_transition=False,
    ).record


def decision_due(world, innovation):
    """The committee's decision is asked for (a checkpoint set by the administrator)."""
    return reminders.create_checkpoint(
        actor=world.administrator,
        innovation=innovation,
        kind="decision",
        due_date=timezone.localdate() + datetime.timedelta(days=14),
        title="Udvalget skal tage stilling",
    )


def correct(world, record, **values):
    key = "decision" if hasattr(record, "outcome") else "follow_up"
    return services.record_correction(
        actor=world.secretary,
        reason="Referatet var forkert.",
        corrected_values=values,
        **{key: record},
    )


def status(checkpoint) -> str:
    checkpoint.refresh_from_db()
    return checkpoint.status


def test_annulling_a_decision_cancels_its_follow_up_and_reopens_what_it_answered(copenhagen):
    innovation = raise_innovation(copenhagen)
    asked = decision_due(copenhagen, innovation)
    decision = decide(
        copenhagen, innovation, follow_up_date=timezone.localdate() + datetime.timedelta(days=90)
    )
    follow_up = Checkpoint.objects.get(origin_decision=decision)
    assert status(asked) == "completed" and follow_up.status == "open"

    correct(copenhagen, decision, annulled=True)

    assert status(follow_up) == "cancelled"
    asked.refresh_from_db()
    assert asked.status == "open"
    assert asked.completed_by is None and asked.closed_at is None
    assert asked.next_reminder_at is not None  # the politicians are reminded again


def test_annulling_a_follow_up_reopens_the_follow_up_checkpoint_it_answered(copenhagen):
    innovation = raise_innovation(copenhagen)
    decision = decide(
        copenhagen, innovation, follow_up_date=timezone.localdate() + datetime.timedelta(days=30)
    )
    checkpoint = Checkpoint.objects.get(origin_decision=decision)
    follow_up = services.record_follow_up(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="Orientering",
        assessment="on_track",
        summary="Status blev fremlagt.",
        taken_note="Taget til efterretning.",
        transition="",
        apply_transition=False,
    ).record
    assert status(checkpoint) == "completed"

    correct(copenhagen, follow_up, annulled=True)

    assert status(checkpoint) == "open"


def test_a_postponement_corrected_to_a_rejection_cancels_the_postponed_decision(copenhagen):
    innovation = raise_innovation(copenhagen)
    decision = decide(copenhagen, innovation, outcome="postponed")
    postponed = Checkpoint.objects.get(origin_decision=decision, source="postponed")

    correct(copenhagen, decision, outcome="rejected")

    assert status(postponed) == "cancelled"
    assert not Checkpoint.objects.filter(innovation=innovation, status="open", kind="decision")


def test_an_approval_corrected_to_a_referral_puts_it_before_the_council(copenhagen):
    innovation = raise_innovation(copenhagen)
    decision = decide(copenhagen, innovation, outcome="approved")
    assert not Checkpoint.objects.filter(committee=copenhagen.council).exists()

    correct(copenhagen, decision, outcome="referred")

    council = Checkpoint.objects.get(committee=copenhagen.council, origin_decision=decision)
    assert (council.kind, council.status) == ("decision", "open")

    correct(copenhagen, decision, outcome="approved")

    assert status(council) == "cancelled"


def test_a_decision_moved_to_another_innovation_takes_its_checkpoints_along(copenhagen):
    first = raise_innovation(copenhagen)
    second = raise_innovation(copenhagen, title="Skærmbesøg")
    asked_first = decision_due(copenhagen, first)
    asked_second = decision_due(copenhagen, second)
    due = timezone.localdate() + datetime.timedelta(days=60)
    decision = decide(copenhagen, first, follow_up_date=due)
    old_follow_up = Checkpoint.objects.get(origin_decision=decision)
    assert status(asked_first) == "completed" and status(asked_second) == "open"

    correct(copenhagen, decision, innovation=second.pk)

    assert status(asked_first) == "open"
    assert status(old_follow_up) == "cancelled"
    assert status(asked_second) == "completed"
    new_follow_up = Checkpoint.objects.get(innovation=second, origin_decision=decision)
    assert (new_follow_up.kind, new_follow_up.status, new_follow_up.due_date) == (
        "follow_up",
        "open",
        due,
    )


def test_a_correction_of_the_votes_changes_nothing_due(copenhagen):
    innovation = raise_innovation(copenhagen)
    asked = decision_due(copenhagen, innovation)
    decision = decide(
        copenhagen, innovation, follow_up_date=timezone.localdate() + datetime.timedelta(days=90)
    )
    follow_up = Checkpoint.objects.get(origin_decision=decision)
    before = {c.pk: (c.status, c.sequence, c.closed_at) for c in Checkpoint.objects.all()}

    correct(copenhagen, decision, votes_for=1)

    after = {c.pk: (c.status, c.sequence, c.closed_at) for c in Checkpoint.objects.all()}
    assert after == before
    assert status(asked) == "completed" and status(follow_up) == "open"
