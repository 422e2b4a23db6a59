"""Checkpoints come from rules, decisions and hands; evidence completes them; leaving a phase
cancels them; and a closed checkpoint reminds nobody any more."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from core.errors import PermissionDenied, ValidationFailed
from decisions.services import record_follow_up
from organisations.models import Membership
from reminders import services
from reminders.models import Checkpoint, Reminder
from reminders.sweep import sweep

from ..factories import MeetingFactory, MembershipFactory, UserFactory
from ..lifecycle import evaluate, innovation_in, raise_need, record
from ..reminders_world import checkpoint_due, local, stages_sent, sweep_and_deliver

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def open_checkpoints(innovation) -> set[tuple[str, str, int]]:
    return {
        (c.kind, c.state, (c.due_date - today()).days)
        for c in Checkpoint.objects.filter(innovation=innovation, status="open")
    }


def test_the_default_rules_follow_the_innovation_through_its_phases(copenhagen):
    # given a mandate: exploring asks for a follow-up at the committee in 90 days
    innovation = innovation_in(copenhagen, "exploring")
    assert open_checkpoints(innovation) == {("follow_up", "exploring", 90)}
    exploring_follow_up = Checkpoint.objects.get(innovation=innovation)
    assert exploring_follow_up.committee == copenhagen.committee
    assert exploring_follow_up.source == "rule"

    # when testing is approved: exploring's follow-up is cancelled; testing's two are set
    record(copenhagen, innovation, "approve_test", apply=True)
    exploring_follow_up.refresh_from_db()
    assert exploring_follow_up.status == "cancelled"
    assert exploring_follow_up.next_reminder_at is None
    assert open_checkpoints(innovation) == {
        ("follow_up", "testing", 60),
        ("documentation", "testing", 30),
    }
    documentation = Checkpoint.objects.get(innovation=innovation, kind="documentation")
    assert documentation.responsible == "owner"


def test_a_follow_up_completes_the_follow_up_and_the_next_one_is_set(copenhagen):
    innovation = innovation_in(copenhagen, "exploring")
    first = Checkpoint.objects.get(innovation=innovation)
    # when the secretary records a follow-up the committee took note of
    record(copenhagen, innovation, "start_evaluation")  # a follow-up that moves nothing here
    # then the follow-up checkpoint is completed, by the secretary, and the rule repeats
    first.refresh_from_db()
    assert first.status == "completed"
    assert first.completed_by == copenhagen.secretary
    assert first.next_reminder_at is None
    assert open_checkpoints(innovation) == {("follow_up", "exploring", 90)}


def test_evaluation_and_decision_complete_their_checkpoints(copenhagen):
    innovation = innovation_in(copenhagen, "evaluating")
    assert open_checkpoints(innovation) == {
        ("evaluation", "evaluating", 60),
        ("decision", "evaluating", 90),
    }
    # when the official submits the evaluation
    evaluate(copenhagen, innovation)
    assert open_checkpoints(innovation) == {("decision", "evaluating", 90)}
    # and the committee decides to complete the innovation
    record(copenhagen, innovation, "complete", apply=True)
    # then nothing is left open, and the final phase sets nothing
    assert open_checkpoints(innovation) == set()
    assert set(
        Checkpoint.objects.filter(innovation=innovation, state="evaluating").values_list(
            "kind", "status"
        )
    ) == {("evaluation", "completed"), ("decision", "completed")}
    # and implementing's follow-up was completed by the follow-up that started the evaluation
    assert Checkpoint.objects.get(innovation=innovation, state="implementing").status == (
        "completed"
    )


def test_a_postponed_decision_is_due_again_at_the_committees_next_meeting(copenhagen):
    innovation = innovation_in(copenhagen, "exploring")
    next_meeting = MeetingFactory(
        committee=copenhagen.committee, date=today() + datetime.timedelta(days=20)
    )
    MeetingFactory(committee=copenhagen.committee, date=today() + datetime.timedelta(days=50))
    # when the committee postpones the decision on testing
    record(copenhagen, innovation, "approve_test", outcome="postponed")
    # then a decision checkpoint is due at its next meeting
    checkpoint = Checkpoint.objects.get(innovation=innovation, kind="decision")
    assert checkpoint.source == "postponed"
    assert checkpoint.due_date == next_meeting.date
    assert checkpoint.committee == copenhagen.committee

    # and when the next planned meeting is called off, the one after it is the one
    other = innovation_in(copenhagen, "exploring", title="Sensorer i plejeboliger")
    next_meeting.delete()
    record(copenhagen, other, "approve_test", outcome="postponed", meeting=copenhagen.meeting)
    assert Checkpoint.objects.get(innovation=other, kind="decision").due_date == today() + (
        datetime.timedelta(days=50)
    )


def test_postponed_without_any_next_meeting_is_due_in_thirty_days(copenhagen):
    innovation = innovation_in(copenhagen, "exploring")
    record(copenhagen, innovation, "approve_test", outcome="postponed")
    checkpoint = Checkpoint.objects.get(innovation=innovation, kind="decision")
    # the decision's meeting was yesterday; nothing planned after it: 30 days from today
    assert checkpoint.due_date == today() + datetime.timedelta(days=30)


def test_a_follow_up_date_survives_the_transition_its_decision_authorises(copenhagen):
    from decisions import services as decisions

    innovation = innovation_in(copenhagen, "exploring")
    in_six_months = today() + datetime.timedelta(days=182)
    # when the committee approves testing and wants a status in six months
    decisions.record_decision(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 7",
        transition="approve_test",
        outcome="approved",
        resolution="Godkendt; udvalget ønsker en status om et halvt år.",
        follow_up_date=in_six_months,
        apply_transition=True,
    )
    # then the follow-up it asked for is open, in the new phase, beside testing's rules
    asked = Checkpoint.objects.get(innovation=innovation, source="decision")
    assert (asked.status, asked.state, asked.due_date) == ("open", "testing", in_six_months)
    assert asked.origin_decision.follow_up_date == in_six_months
    assert open_checkpoints(innovation) == {
        ("follow_up", "testing", 182),
        ("follow_up", "testing", 60),
        ("documentation", "testing", 30),
    }


def test_waiving_needs_an_administrator_and_a_reason(copenhagen):
    checkpoint = checkpoint_due(copenhagen, today() + datetime.timedelta(days=10))
    with pytest.raises(ValidationFailed) as missing:
        services.waive_checkpoint(actor=copenhagen.administrator, checkpoint=checkpoint, reason=" ")
    assert "reason" in missing.value.errors
    with pytest.raises(PermissionDenied):
        services.waive_checkpoint(
            actor=copenhagen.secretary, checkpoint=checkpoint, reason="Ikke relevant"
        )
    with pytest.raises(Exception):  # noqa: B017 - someone from Aarhus does not even see it
        services.waive_checkpoint(
            actor=UserFactory(organisation=copenhagen.organisation.__class__.objects.get(
                code="0751"), role="administrator"),
            checkpoint=checkpoint,
            reason="Ikke relevant",
        )  # fmt: skip
    waived = services.waive_checkpoint(
        actor=copenhagen.administrator,
        checkpoint=checkpoint,
        reason="Udvalget har fået status på temamødet.",
    )
    assert (waived.status, waived.waived_reason) == (
        "waived",
        "Udvalget har fået status på temamødet.",
    )
    assert waived.next_reminder_at is None


@pytest.mark.parametrize("how", ["completed", "waived", "cancelled"])
def test_a_closed_checkpoint_stops_reminding(copenhagen, how):
    # given a checkpoint set in May and reminded three days before
    with time_machine.travel(local(2026, 5, 1, 9)):
        innovation = innovation_in_world_without_meetings(copenhagen)
        checkpoint = checkpoint_due(copenhagen, datetime.date(2026, 5, 20), innovation=innovation)
    sweep_and_deliver(local(2026, 5, 17, 8))
    assert stages_sent(checkpoint) == ["before-3"]
    sent_before = len(mail.outbox)
    # and the due-day reminder recorded, but not yet delivered when it closes
    sweep(local(2026, 5, 20, 8), enqueue=False)
    assert stages_sent(checkpoint) == ["before-3", "due"]
    with time_machine.travel(local(2026, 5, 20, 8, 1)):
        if how == "completed":  # by the evidence that answers it: the committee's follow-up
            record_follow_up(
                actor=copenhagen.secretary,
                innovation=innovation,
                meeting=MeetingFactory(
                    committee=copenhagen.committee, date=datetime.date(2026, 5, 20)
                ),
                agenda_item="Punkt 4",
                assessment="on_track",
                summary="Status fremlagt.",
                taken_note="Taget til efterretning.",
            )
        elif how == "waived":
            services.waive_checkpoint(
                actor=copenhagen.administrator, checkpoint=checkpoint, reason="Ikke længere aktuel"
            )
        else:
            services.cancel_checkpoints_for_state(innovation=innovation, state=innovation.state)
    # then the recorded reminder is not delivered, and nothing more is recorded
    sweep_and_deliver(local(2026, 5, 20, 8, 5))
    for moment in (local(2026, 5, 27, 8), local(2026, 6, 3, 8), local(2026, 7, 1, 8)):
        sweep_and_deliver(moment)
    assert stages_sent(checkpoint) == ["before-3", "due"]
    due = Reminder.objects.filter(checkpoint=checkpoint, stage="due")
    assert all(r.notified_at is None and r.cancelled_at is not None for r in due)
    assert {r.email_status for r in due} == {"cancelled"}
    assert len(mail.outbox) == sent_before


def innovation_in_world_without_meetings(world):
    return raise_need(world)


def test_after_the_election_the_new_member_gets_the_reminders(copenhagen):
    # given the politician's seat ends on 31 December and a new member sits from 1 January
    Membership.objects.filter(person=copenhagen.politician).update(
        valid_to=datetime.date(2026, 12, 31)
    )
    newcomer = UserFactory(username="kbh-new-member", role="politician")
    MembershipFactory(
        person=newcomer, committee=copenhagen.committee, valid_from=datetime.date(2027, 1, 1)
    )
    with time_machine.travel(local(2026, 12, 1, 9)):
        checkpoint = checkpoint_due(copenhagen, datetime.date(2027, 1, 10))
    # when the reminders go out before and after New Year
    sweep_and_deliver(local(2026, 12, 27, 8))  # before-14
    sweep_and_deliver(local(2027, 1, 10, 8))  # due
    # then the old member got the one from December only, the new member the one from January
    assert stages_sent(checkpoint, copenhagen.politician) == ["before-14"]
    assert stages_sent(checkpoint, newcomer) == ["due"]
    assert stages_sent(checkpoint, copenhagen.chair) == ["before-14", "due"]
    notified = {
        (r.recipient_id, r.stage)
        for r in Reminder.objects.filter(checkpoint=checkpoint, notified_at__isnull=False)
    }
    assert (newcomer.pk, "due") in notified and (copenhagen.politician.pk, "due") not in notified


def test_the_owner_is_reminded_of_documentation_and_the_escalation_reaches_the_chair(copenhagen):
    with time_machine.travel(local(2026, 5, 1, 9)):
        checkpoint = checkpoint_due(
            copenhagen, datetime.date(2026, 5, 20), kind="documentation", responsible="owner"
        )
    sweep_and_deliver(local(2026, 5, 20, 8))
    sweep_and_deliver(local(2026, 6, 3, 8))  # 14 days overdue: escalation
    recipients = {(r.stage, r.recipient_id) for r in Reminder.objects.filter(checkpoint=checkpoint)}
    assert recipients == {
        ("due", copenhagen.official.pk),
        ("escalation-1", copenhagen.official.pk),
        ("escalation-1", copenhagen.chair.pk),
        ("escalation-1", copenhagen.administrator.pk),
    }


def test_only_the_innovations_people_set_checkpoints_by_hand(copenhagen):
    innovation = raise_need(copenhagen)
    with pytest.raises(PermissionDenied):
        services.create_checkpoint(
            actor=copenhagen.politician,
            innovation=innovation,
            kind="follow_up",
            due_date=today() + datetime.timedelta(days=5),
        )
    with pytest.raises(ValidationFailed):
        services.create_checkpoint(
            actor=copenhagen.secretary,
            innovation=innovation,
            kind="follow_up",
            due_date=today() - datetime.timedelta(days=1),
        )
    checkpoint = services.create_checkpoint(
        actor=copenhagen.official,
        innovation=innovation,
        kind="documentation",
        due_date=today() + datetime.timedelta(days=5),
        title="Notat om erfaringer fra første pilot",
    )
    assert (checkpoint.source, checkpoint.created_by) == ("manual", copenhagen.official)


def test_administrators_change_rules_and_policy(copenhagen):
    rule = copenhagen.organisation.checkpoint_rules.get(state="exploring", kind="follow_up")
    with pytest.raises(PermissionDenied):
        services.update_rule(actor=copenhagen.secretary, rule=rule, due_after_days=30)
    services.update_rule(actor=copenhagen.administrator, rule=rule, due_after_days=30)
    innovation = innovation_in(copenhagen, "exploring")
    assert open_checkpoints(innovation) == {("follow_up", "exploring", 30)}
    with pytest.raises(ValidationFailed):
        services.update_policy(
            actor=copenhagen.administrator, organisation=copenhagen.organisation, send_hour=25
        )


def test_the_innovations_timeline_shows_its_checkpoints(copenhagen):
    from decisions.selectors import timeline

    innovation = innovation_in(copenhagen, "testing")
    entries = [e for e in timeline(innovation) if e.type == "checkpoint"]
    # exploring's follow-up (cancelled when testing began) and testing's two open ones
    assert sorted((e.item.kind, e.item.status) for e in entries) == [
        ("documentation", "open"),
        ("follow_up", "cancelled"),
        ("follow_up", "open"),
    ]
    cancelled = next(e for e in entries if e.item.status == "cancelled")
    assert cancelled.at == cancelled.item.closed_at


def test_a_rule_for_the_need_phase_applies_to_a_newly_raised_need(copenhagen):
    services.create_rule(
        actor=copenhagen.administrator,
        organisation=copenhagen.organisation,
        state="need",
        kind="decision",
        due_after_days=45,
    )
    innovation = raise_need(copenhagen)
    assert open_checkpoints(innovation) == {("decision", "need", 45)}
