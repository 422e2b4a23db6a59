"""The lifecycle's particular rules: the mandate's value direction, stopping, pausing and
resuming, evidence used once, and what the engine offers each person next."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.errors import (
    ConcurrentChange,
    PermissionDenied,
    TransitionNotPossible,
    ValidationFailed,
)
from decisions import services
from decisions.models import Decision, TransitionLog
from innovations.models import Innovation
from organisations.models import Role

from ..factories import DecisionFactory, MembershipFactory, UserFactory
from ..lifecycle import (
    ACTIVE,
    MOVES,
    STATES,
    STOP_LEARNING,
    STOP_REASON,
    evaluate,
    innovation_in,
    needs_reason,
    raise_need,
    record,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


# --- The mandate sets a value direction ------------------------------------------------------


@pytest.mark.parametrize("value_direction", ["", "   \n "])
def test_mandate_without_a_value_direction_is_refused(copenhagen, value_direction):
    innovation = raise_need(copenhagen)

    # recorded and applied in one step: neither happens
    with pytest.raises(TransitionNotPossible) as refused:
        record(copenhagen, innovation, "mandate", value_direction=value_direction, apply=True)
    assert refused.value.reasons == [
        "the mandate decision has no value direction; "
        "needs an approved decision on “Give a mandate” with a value direction"
    ]
    assert not Decision.objects.filter(innovation=innovation).exists()

    # recorded first (the minutes say what they say), then applied: refused the same way
    decision = record(copenhagen, innovation, "mandate", value_direction=value_direction).record
    with pytest.raises(TransitionNotPossible) as refused:
        services.apply_transition(
            actor=copenhagen.secretary,
            innovation=innovation,
            transition="mandate",
            decision=decision,
        )
    assert "value direction" in refused.value.reasons[0]
    assert Innovation.objects.get(pk=innovation.pk).state == "need"


def test_the_mandate_writes_its_value_direction_on_the_innovation(copenhagen):
    innovation = raise_need(copenhagen)
    record(
        copenhagen, innovation, "mandate", value_direction="  Mere nærvær i plejen.  ", apply=True
    )
    assert Innovation.objects.get(pk=innovation.pk).value_direction == "Mere nærvær i plejen."


# --- Stop needs the reason and what was learned ----------------------------------------------


@pytest.mark.parametrize(
    ("reason", "learning", "expected"),
    [
        ("", "", "needs the reason for stopping and what was learned"),
        ("", STOP_LEARNING, "needs the reason for stopping"),
        (STOP_REASON, " ", "needs what was learned"),
    ],
    ids=["neither", "no-reason", "no-learning"],
)
def test_stop_without_reason_or_learning_is_refused(copenhagen, reason, learning, expected):
    innovation = innovation_in(copenhagen, "testing")
    decision = record(copenhagen, innovation, "stop").record

    with pytest.raises(TransitionNotPossible) as refused:
        services.apply_transition(
            actor=copenhagen.secretary,
            innovation=innovation,
            transition="stop",
            decision=decision,
            reason=reason,
            learning=learning,
        )
    assert refused.value.reasons == [expected]
    with pytest.raises(TransitionNotPossible):
        record(copenhagen, innovation, "stop", reason=reason, learning=learning, apply=True)
    assert Innovation.objects.get(pk=innovation.pk).state == "testing"


# --- Pause and resume ------------------------------------------------------------------------


@pytest.mark.parametrize("state", ACTIVE)
def test_resume_returns_to_the_state_paused_from(copenhagen, state):
    innovation = innovation_in(copenhagen, state)

    paused = record(copenhagen, innovation, "pause", apply=True).innovation
    assert (paused.state, paused.paused_from) == ("paused", state)
    options = {o.name: o for o in services.available_transitions(paused, copenhagen.secretary)}
    assert options["resume"].target == state

    resumed = record(copenhagen, innovation, "resume", apply=True)
    stored = Innovation.objects.get(pk=innovation.pk)
    assert (stored.state, stored.paused_from) == (state, "")
    assert (resumed.log_entry.source, resumed.log_entry.target) == ("paused", state)


def test_an_innovation_can_be_paused_and_resumed_again(copenhagen):
    innovation = innovation_in(copenhagen, "testing")
    for _round in range(2):
        record(copenhagen, innovation, "pause", apply=True)
        record(copenhagen, innovation, "resume", apply=True)
    assert Innovation.objects.get(pk=innovation.pk).state == "testing"
    assert list(
        TransitionLog.objects.filter(innovation=innovation).values_list("transition", flat=True)
    ) == ["mandate", "approve_test", "pause", "resume", "pause", "resume"]


# --- One decision, one transition ------------------------------------------------------------


def test_a_decision_authorises_only_one_transition(copenhagen):
    innovation = innovation_in(copenhagen, "exploring")
    pause = record(copenhagen, innovation, "pause").record
    services.apply_transition(
        actor=copenhagen.secretary, innovation=innovation, transition="pause", decision=pause
    )
    record(copenhagen, innovation, "resume", apply=True)

    # the same pause decision cannot pause the innovation a second time
    with pytest.raises(TransitionNotPossible) as refused:
        services.apply_transition(
            actor=copenhagen.secretary,
            innovation=Innovation.objects.get(pk=innovation.pk),
            transition="pause",
            decision=pause,
        )
    assert refused.value.reasons == ["the decision has already authorised a transition"]
    assert Innovation.objects.get(pk=innovation.pk).state == "exploring"


def test_record_and_apply_on_a_stale_view_records_nothing(copenhagen):
    # the secretary's page shows `exploring`; a colleague approves testing meanwhile
    innovation = innovation_in(copenhagen, "exploring")
    record(copenhagen, innovation, "approve_test", apply=True)

    def pause(outcome: str):
        return services.record_decision(
            actor=copenhagen.secretary,
            innovation=innovation,
            meeting=copenhagen.meeting,
            agenda_item="Punkt 9",
            transition="pause",
            outcome=outcome,
            resolution="Projektet sættes i bero.",
            apply_transition=True,
            expected_state="exploring",
        )

    # a pause decided for `exploring` does not pause `testing`, and is not recorded half-way
    with pytest.raises(ConcurrentChange) as refused:
        pause("approved")
    assert refused.value.message == (
        "The innovation moved from Exploring to Testing while you were acting."
    )
    assert not Decision.objects.filter(innovation=innovation, transition="pause").exists()
    # a rejected decision moves nothing, so it is recorded whatever the phase
    assert not pause("rejected").applied
    assert Innovation.objects.get(pk=innovation.pk).state == "testing"

    stale_follow_up = innovation_in(copenhagen, "implementing")
    with pytest.raises(ConcurrentChange):
        services.record_follow_up(
            actor=copenhagen.secretary,
            innovation=stale_follow_up,
            meeting=copenhagen.meeting,
            agenda_item="Orientering",
            assessment="on_track",
            summary="Status.",
            transition="start_evaluation",
            apply_transition=True,
            expected_state="testing",
        )


def test_only_the_secretary_in_office_today_may_act(copenhagen):
    # a secretary whose seat ended yesterday, and one whose seat begins tomorrow
    today = timezone.localdate()
    former = UserFactory(organisation=copenhagen.organisation, role=Role.SECRETARY)
    MembershipFactory(
        person=former,
        committee=copenhagen.committee,
        role="secretary",
        valid_from=today - datetime.timedelta(days=400),
        valid_to=today - datetime.timedelta(days=1),
    )
    future = UserFactory(organisation=copenhagen.organisation, role=Role.SECRETARY)
    MembershipFactory(
        person=future,
        committee=copenhagen.committee,
        role="secretary",
        valid_from=today + datetime.timedelta(days=1),
    )
    innovation = raise_need(copenhagen)
    decision = record(copenhagen, innovation, "mandate").record

    for person in (former, future):
        with pytest.raises(PermissionDenied):
            record(copenhagen, innovation, "mandate", actor=person, apply=True)
        with pytest.raises(PermissionDenied):
            services.apply_transition(
                actor=person, innovation=innovation, transition="mandate", decision=decision
            )
    assert Innovation.objects.get(pk=innovation.pk).state == "need"


# --- The services refuse to record evidence of the wrong meeting ------------------------------


def test_evidence_cannot_be_recorded_for_another_committees_meeting(copenhagen, aarhus):
    innovation = raise_need(copenhagen)
    with pytest.raises(ValidationFailed) as refused:
        record(copenhagen, innovation, "mandate", meeting=copenhagen.other_meeting)
    assert refused.value.errors["meeting"] == [
        "The meeting is neither of the responsible committee nor of the council."
    ]
    with pytest.raises(ValidationFailed) as refused:
        record(copenhagen, innovation, "mandate", meeting=aarhus.meeting)
    assert refused.value.errors["meeting"] == ["The meeting belongs to another organisation."]
    assert not Decision.objects.filter(innovation=innovation).exists()


def test_council_decision_authorises_the_responsible_committees_innovation(copenhagen):
    # the council decides above the committee; its secretary records the council's items
    innovation = raise_need(copenhagen)
    result = record(
        copenhagen,
        innovation,
        "mandate",
        actor=copenhagen.council_secretary,
        meeting=copenhagen.council_meeting,
        apply=True,
    )
    assert result.applied and result.innovation.state == "exploring"
    # the committee's own secretary does not record at the council's meeting
    with pytest.raises(PermissionDenied):
        record(copenhagen, innovation, "pause", meeting=copenhagen.council_meeting)


# --- What can happen next --------------------------------------------------------------------

NOT_MAY_ACT = (
    "only a secretary of the responsible committee or an administrator can move the innovation"
)


@pytest.mark.parametrize("state", STATES)
def test_available_transitions_lists_every_transition_from_the_state(copenhagen, state):
    innovation = innovation_in(copenhagen, state, "testing" if state == "paused" else "")

    options = services.available_transitions(innovation, copenhagen.secretary)

    expected = sorted({m.transition for m in MOVES if m.source == state})
    assert sorted(o.name for o in options) == expected
    for option in options:
        assert option.source == state
        assert option.available is False
        assert option.reasons == [needs_reason(option.name)] + (
            ["needs a submitted evaluation"] if option.name in ("spread", "complete") else []
        )
        assert option.evidence is None


def test_available_transitions_says_who_may_act_with_which_evidence(copenhagen, aarhus):
    # given a testing innovation with an approved decision to implement and a rejected one to recycle
    innovation = innovation_in(copenhagen, "testing")
    approved = record(copenhagen, innovation, "approve_implementation").record
    rejected = record(copenhagen, innovation, "recycle", outcome="rejected").record

    def options(user):
        return {o.name: o for o in services.available_transitions(innovation, user)}

    for user in (copenhagen.secretary, copenhagen.council_secretary, copenhagen.administrator):
        mine = options(user)
        assert set(mine) == {"approve_implementation", "recycle", "amend_mandate", "pause", "stop"}
        assert (
            mine["approve_implementation"].available,
            mine["approve_implementation"].reasons,
        ) == (
            True,
            [],
        )
        assert mine["approve_implementation"].evidence == approved
        assert mine["approve_implementation"].target == "implementing"
        assert mine["recycle"].available is False
        assert mine["recycle"].evidence == rejected
        assert mine["recycle"].reasons == [
            "the decision was not approved (outcome: Rejected); "
            "needs an approved decision on “Back to exploration”"
        ]
        assert mine["pause"].reasons == ["needs an approved decision on “Pause”"]

    for user in (
        copenhagen.politician,
        copenhagen.chair,
        copenhagen.official,
        copenhagen.other_secretary,
        aarhus.secretary,
        aarhus.administrator,
    ):
        theirs = options(user)
        assert set(theirs) == {
            "approve_implementation",
            "recycle",
            "amend_mandate",
            "pause",
            "stop",
        }
        assert not any(o.available for o in theirs.values()), user
        assert theirs["approve_implementation"].reasons == [NOT_MAY_ACT]
        assert theirs["pause"].reasons == [NOT_MAY_ACT, "needs an approved decision on “Pause”"]


def test_available_transitions_forget_evidence_already_used(copenhagen):
    innovation = innovation_in(copenhagen, "exploring")
    record(copenhagen, innovation, "pause", apply=True)
    innovation = record(copenhagen, innovation, "resume", apply=True).innovation

    options = {o.name: o for o in services.available_transitions(innovation, copenhagen.secretary)}

    assert options["pause"].available is False
    assert options["pause"].evidence is None


def test_available_transitions_needs_the_evaluation_for_spread(copenhagen):
    innovation = innovation_in(copenhagen, "evaluating")
    record(copenhagen, innovation, "spread")
    options = {o.name: o for o in services.available_transitions(innovation, copenhagen.secretary)}
    assert options["spread"].reasons == ["needs a submitted evaluation"]

    evaluate(copenhagen, innovation)
    options = {o.name: o for o in services.available_transitions(innovation, copenhagen.secretary)}
    assert options["spread"].available is True


def test_available_transitions_offers_the_kind_of_evidence_the_transition_needs(copenhagen):
    # the minutes hold both a decision and a follow-up about starting the evaluation
    innovation = innovation_in(copenhagen, "implementing")
    # (such a decision cannot be recorded through the services any more; older data may hold one)
    DecisionFactory(
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 3",
        transition="start_evaluation",
        outcome="approved",
        resolution="Udvalget beder om en evaluering.",
        recorded_by=copenhagen.secretary,
    )
    follow_up = record(copenhagen, innovation, "start_evaluation").record

    options = {o.name: o for o in services.available_transitions(innovation, copenhagen.secretary)}

    assert options["start_evaluation"].evidence == follow_up
    assert (options["start_evaluation"].available, options["start_evaluation"].reasons) == (
        True,
        [],
    )


def test_available_transitions_reads_in_a_constant_number_of_queries(copenhagen):
    def queries_with(decisions: int) -> int:
        innovation = innovation_in(copenhagen, "testing")
        for n in range(decisions):
            record(copenhagen, innovation, ["approve_implementation", "recycle", "pause"][n % 3])
        secretary = type(copenhagen.secretary).objects.get(pk=copenhagen.secretary.pk)
        fresh = Innovation.objects.get(pk=innovation.pk)
        with CaptureQueriesContext(connection) as captured:
            services.available_transitions(fresh, secretary)
        return len(captured)

    assert queries_with(1) == queries_with(12)
