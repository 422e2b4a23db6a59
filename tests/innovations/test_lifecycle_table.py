"""Every row of DESIGN.md's lifecycle table, as the secretary meets it.

For each transition from each state it leaves: it succeeds on the right evidence (recorded
then applied, and recorded-and-applied in one step), also for the council's secretary and
the administrator; it is refused, with a reason a secretary understands, on missing or wrong
evidence; and it is refused to every role that may not act.
"""

from __future__ import annotations

import pytest

from core.errors import NotFound, PermissionDenied, TransitionNotPossible, ValidationFailed
from decisions import services
from decisions.models import Decision, FollowUp, TransitionLog
from innovations.models import Innovation
from innovations.workflow import workflow_graph

from ..factories import DecisionFactory, FollowUpFactory, InnovationFactory
from ..lifecycle import (
    DECISION,
    EVIDENCE_OF,
    FOLLOW_UP,
    LABELS,
    MOVES,
    STATES,
    STOP_LEARNING,
    STOP_REASON,
    VALUE_DIRECTION,
    Move,
    evaluate,
    innovation_in,
    needs_reason,
    path_to,
    record,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

MOVE_IDS = [move.id for move in MOVES]


def given(world, move: Move, *, evaluated: bool = True) -> Innovation:
    """An innovation in the move's source state, with an evaluation when the move needs one."""
    innovation = innovation_in(world, move.source, move.paused_from)
    if move.needs_evaluation and evaluated:
        evaluate(world, innovation)
    return innovation


def apply(actor, innovation: Innovation, move: Move, evidence=None, **kwargs):
    kwargs.setdefault("reason", STOP_REASON)
    kwargs.setdefault("learning", STOP_LEARNING)
    key = "follow_up" if isinstance(evidence, FollowUp) else "decision"
    return services.apply_transition(
        actor=actor,
        innovation=innovation,
        transition=move.transition,
        **({key: evidence} if evidence is not None else {}),
        **kwargs,
    )


def assert_unmoved(innovation: Innovation, move: Move) -> None:
    stored = Innovation.objects.get(pk=innovation.pk)
    assert stored.state == move.source
    assert stored.paused_from == move.paused_from
    # only the rows of the walk that brought it to its source state
    walked = len(path_to(move.source, move.paused_from))
    assert TransitionLog.objects.filter(innovation=innovation).count() == walked


def assert_moved(innovation: Innovation, move: Move, evidence, actor) -> TransitionLog:
    stored = Innovation.objects.get(pk=innovation.pk)
    assert stored.state == move.target
    entry = TransitionLog.objects.filter(innovation=innovation).latest("at", "id")
    assert (entry.transition, entry.source, entry.target) == (
        move.transition,
        move.source,
        move.target,
    )
    assert entry.actor == actor
    if move.evidence == DECISION:
        assert entry.decision == evidence and entry.follow_up is None
    else:
        assert entry.follow_up == evidence and entry.decision is None
    assert stored.paused_from == (move.source if move.transition == "pause" else "")
    if move.needs_value_direction:
        assert stored.value_direction == VALUE_DIRECTION
    if move.needs_reason_and_learning:
        assert (stored.stop_reason, stored.stop_learning) == (STOP_REASON, STOP_LEARNING)
        assert (entry.reason, entry.learning) == (STOP_REASON, STOP_LEARNING)
    return entry


# --- The table is the code's graph -----------------------------------------------------------


def test_the_code_declares_exactly_the_table():
    table = {(m.transition, m.source, m.target) for m in MOVES}
    code = {
        (t["name"], source, target)
        for t in workflow_graph()["transitions"]
        for source in t["sources"]
        # amend_mandate stays in the phase it is decided in
        for target in ([source] if t["target"] == "same" else t["targets"])
    }
    assert code == table
    requires = {t["name"]: t["requires"] for t in workflow_graph()["transitions"]}
    assert requires == {m.transition: m.evidence for m in MOVES}


@pytest.mark.parametrize("state", STATES)
def test_transitions_not_in_the_table_are_refused_from_each_state(copenhagen, state):
    paused_from = "exploring" if state == "paused" else ""
    innovation = innovation_in(copenhagen, state, paused_from)
    allowed = {m.transition for m in MOVES if m.source == state}
    for name in sorted({m.transition for m in MOVES} - allowed):
        with pytest.raises(TransitionNotPossible) as refused:
            if EVIDENCE_OF[name] == FOLLOW_UP:
                evidence = record(copenhagen, innovation, name).record
                apply(copenhagen.secretary, innovation, Move(name, state, "", DECISION), evidence)
            else:
                # an approval of a move not possible from here is refused as it is recorded
                record(copenhagen, innovation, name)
        assert "is not possible from the phase" in refused.value.message, name
        assert refused.value.reasons[0].startswith("possible from "), name
    assert Innovation.objects.get(pk=innovation.pk).state == state


# --- Succeeds on the right evidence ----------------------------------------------------------


@pytest.mark.parametrize("move", MOVES, ids=MOVE_IDS)
def test_secretary_records_the_evidence_then_applies_the_transition(copenhagen, move):
    innovation = given(copenhagen, move)

    evidence = record(copenhagen, innovation, move.transition).record
    assert Innovation.objects.get(pk=innovation.pk).state == move.source  # recording moves nothing
    result = apply(copenhagen.secretary, innovation, move, evidence)

    assert result.innovation.state == move.target
    assert assert_moved(innovation, move, evidence, copenhagen.secretary) == result.log_entry


@pytest.mark.parametrize("move", MOVES, ids=MOVE_IDS)
def test_secretary_records_and_applies_in_one_step(copenhagen, move):
    innovation = given(copenhagen, move)

    result = record(copenhagen, innovation, move.transition, apply=True)

    assert result.applied
    assert result.innovation.state == move.target
    assert_moved(innovation, move, result.record, copenhagen.secretary)


@pytest.mark.parametrize("move", MOVES, ids=MOVE_IDS)
@pytest.mark.parametrize("who", ["council_secretary", "administrator"])
def test_council_secretary_and_administrator_may_act(copenhagen, move, who):
    innovation = given(copenhagen, move)
    actor = getattr(copenhagen, who)
    # the council's secretary records for the council's meetings; the administrator for any
    meeting = copenhagen.council_meeting if who == "council_secretary" else copenhagen.meeting

    evidence = record(copenhagen, innovation, move.transition, actor=actor, meeting=meeting).record
    apply(actor, innovation, move, evidence)

    assert_moved(innovation, move, evidence, actor)


# --- Refused on missing or wrong evidence ----------------------------------------------------

EVIDENCE_PROBLEMS = [
    "none",
    "rejected",
    "postponed",
    "another_innovation",
    "another_transition",
    "another_organisation",
    "a_committee_not_responsible",
]


def other_kind(move: Move) -> str:
    if move.evidence == FOLLOW_UP:
        return "close" if move.transition == "start_evaluation" else "start_evaluation"
    return "stop" if move.transition == "pause" else "pause"


def expected_reason(move: Move, problem: str, world) -> str:
    noun = "decision" if move.evidence == DECISION else "follow-up"
    outcome = {"rejected": "Rejected", "postponed": "Postponed"}.get(problem)
    return {
        "none": needs_reason(move.transition),
        "rejected": f"the decision was not approved (outcome: {outcome}); "
        f"{needs_reason(move.transition)}",
        "postponed": f"the decision was not approved (outcome: {outcome}); "
        f"{needs_reason(move.transition)}",
        "another_innovation": f"the {noun} concerns another innovation",
        "another_transition": f"the {noun} is on “{LABELS[other_kind(move)]}”, "
        f"not on “{LABELS[move.transition]}”",
        "another_organisation": f"the {noun} was made by a committee of another organisation",
        "a_committee_not_responsible": f"the {noun} was made by {world.other_committee.name}, "
        "which is neither the responsible committee nor the council",
    }[problem]


def bad_evidence(problem: str, move: Move, innovation: Innovation, world, elsewhere):
    """Evidence with ``problem``; the services refuse to record some, so factories make those."""
    factory = DecisionFactory if move.evidence == DECISION else FollowUpFactory
    extra = {"value_direction": VALUE_DIRECTION} if move.evidence == DECISION else {}
    if problem == "none":
        return None
    if problem in ("rejected", "postponed"):
        return record(world, innovation, move.transition, outcome=problem).record
    # an approval of a move the innovation cannot make from its phase is refused as it is
    # recorded (issue 9, point 7): such evidence is made directly
    if problem == "another_innovation":
        neighbour = InnovationFactory(committee=world.committee, title="Et andet projekt")
        return factory(
            innovation=neighbour,
            meeting=world.meeting,
            transition=move.transition,
            recorded_by=world.secretary,
            **extra,
        )
    if problem == "another_transition":
        return factory(
            innovation=innovation,
            meeting=world.meeting,
            transition=other_kind(move),
            recorded_by=world.secretary,
            **extra,
        )
    if problem == "another_organisation":
        return factory(
            innovation=innovation,
            meeting=elsewhere.meeting,
            transition=move.transition,
            recorded_by=elsewhere.secretary,
            **extra,
        )
    if problem == "a_committee_not_responsible":
        return factory(
            innovation=innovation,
            meeting=world.other_meeting,
            transition=move.transition,
            recorded_by=world.other_secretary,
            **extra,
        )
    raise AssertionError(problem)


def problems_for(move: Move) -> list[str]:
    # a follow-up has no outcome: it cannot be rejected or postponed
    if move.evidence == FOLLOW_UP:
        return [p for p in EVIDENCE_PROBLEMS if p not in ("rejected", "postponed")]
    return EVIDENCE_PROBLEMS


@pytest.mark.parametrize(
    ("move", "problem"),
    [(move, problem) for move in MOVES for problem in problems_for(move)],
    ids=[f"{move.id}-{problem}" for move in MOVES for problem in problems_for(move)],
)
def test_refused_with_the_reason_when_the_evidence_is_wrong(copenhagen, aarhus, move, problem):
    innovation = given(copenhagen, move)
    evidence = bad_evidence(problem, move, innovation, copenhagen, aarhus)

    with pytest.raises(TransitionNotPossible) as refused:
        apply(copenhagen.secretary, innovation, move, evidence)

    assert refused.value.reasons == [expected_reason(move, problem, copenhagen)]
    assert refused.value.message  # "“Pause” is not possible now."
    assert_unmoved(innovation, move)


@pytest.mark.parametrize("move", [m for m in MOVES if m.evidence == DECISION], ids=lambda m: m.id)
@pytest.mark.parametrize("outcome", ["rejected", "postponed"])
def test_decision_not_approved_is_recorded_and_moves_nothing(copenhagen, move, outcome):
    innovation = given(copenhagen, move)

    result = record(copenhagen, innovation, move.transition, outcome=outcome, apply=True)

    assert not result.applied
    assert Decision.objects.filter(pk=result.record.pk, outcome=outcome).exists()
    assert_unmoved(innovation, move)


@pytest.mark.parametrize("move", [m for m in MOVES if m.evidence == FOLLOW_UP], ids=lambda m: m.id)
def test_follow_up_transition_is_refused_on_a_decision(copenhagen, move):
    innovation = given(copenhagen, move)

    # the secretary cannot record a decision of a kind that only a follow-up documents
    with pytest.raises(ValidationFailed) as invalid:
        services.record_decision(
            actor=copenhagen.secretary,
            innovation=innovation,
            meeting=copenhagen.meeting,
            agenda_item="Punkt 7",
            transition=move.transition,
            outcome="approved",
            resolution="Udvalget godkender indstillingen.",
        )
    assert "transition" in invalid.value.errors

    # and the engine refuses such a decision even when it exists (made directly)
    decision = DecisionFactory(
        innovation=innovation,
        meeting=copenhagen.meeting,
        transition=move.transition,
        value_direction="",
    )
    with pytest.raises(TransitionNotPossible) as refused:
        apply(copenhagen.secretary, innovation, move, decision)

    assert "is authorised by a follow-up" in refused.value.message
    assert refused.value.reasons == [needs_reason(move.transition)]
    assert_unmoved(innovation, move)


@pytest.mark.parametrize("name", ["spread", "complete"])
def test_spread_and_complete_need_a_submitted_evaluation(copenhagen, name):
    move = next(m for m in MOVES if m.transition == name)
    innovation = given(copenhagen, move, evaluated=False)
    decision = record(copenhagen, innovation, name).record

    with pytest.raises(TransitionNotPossible) as refused:
        apply(copenhagen.secretary, innovation, move, decision)
    assert refused.value.reasons == ["needs a submitted evaluation"]
    with pytest.raises(TransitionNotPossible):
        record(copenhagen, innovation, name, apply=True)
    assert_unmoved(innovation, move)

    # when the official submits the evaluation, the same decision authorises the move
    evaluate(copenhagen, innovation)
    apply(copenhagen.secretary, innovation, move, decision)
    assert_moved(innovation, move, decision, copenhagen.secretary)


# --- Refused to those who may not act --------------------------------------------------------

ROLES_REFUSED = {
    "politician": PermissionDenied,
    "chair": PermissionDenied,
    "official": PermissionDenied,
    "other_secretary": PermissionDenied,  # secretary of another committee of the organisation
    "aarhus.secretary": NotFound,  # nobody acts on another organisation's innovations
    "aarhus.administrator": NotFound,
}


def person(who: str, copenhagen, aarhus):
    if who.startswith("aarhus."):
        return getattr(aarhus, who.split(".", 1)[1])
    return getattr(copenhagen, who)


def refusal(who: str, error: type[Exception], call) -> Exception:
    try:
        call()
    except error as exc:
        return exc
    except Exception as exc:
        raise AssertionError(f"{who}: expected {error.__name__}, got {exc!r}") from exc
    raise AssertionError(f"{who} was not refused")


@pytest.mark.parametrize("move", MOVES, ids=MOVE_IDS)
def test_refused_to_each_role_that_may_not_act(copenhagen, aarhus, move):
    innovation = given(copenhagen, move)
    evidence = record(copenhagen, innovation, move.transition).record
    recorded = Decision.objects.count() + FollowUp.objects.count()

    for who, error in ROLES_REFUSED.items():
        actor = person(who, copenhagen, aarhus)
        # they cannot record the evidence at the responsible committee's meeting ...
        refused = refusal(
            who,
            error,
            lambda actor=actor: record(
                copenhagen, innovation, move.transition, actor=actor, apply=True
            ),
        )
        assert refused.message, who
        # ... nor apply the evidence the secretary recorded
        refused = refusal(who, error, lambda actor=actor: apply(actor, innovation, move, evidence))
        if error is PermissionDenied:
            assert refused.message.startswith(
                "Only a secretary of the responsible committee or an administrator"
            ), who
        else:
            assert refused.message == "The innovation does not exist.", who

    assert Decision.objects.count() + FollowUp.objects.count() == recorded
    assert_unmoved(innovation, move)
