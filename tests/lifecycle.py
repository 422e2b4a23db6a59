"""DESIGN.md's lifecycle table, written out by hand as the tests' reference.

This file does not read the django-fsm declarations on purpose: the tests compare the code
with this table, so a transition added, removed or re-wired in the code makes them fail.
It also holds the helpers that walk an innovation to a state through the services.
"""

from __future__ import annotations

import dataclasses

from decisions import services
from decisions.models import voting_members
from innovations.models import Innovation
from innovations.services import create_innovation, submit_evaluation

DECISION = "decision"
FOLLOW_UP = "follow_up"

ACTIVE = ["need", "exploring", "testing", "implementing", "evaluating", "spreading"]
FINAL = ["completed", "stopped"]
STATES = [*ACTIVE, "paused", *FINAL]


@dataclasses.dataclass(frozen=True)
class Move:
    """One row of the table: ``transition`` leaves ``source`` for ``target`` on ``evidence``."""

    transition: str
    source: str
    target: str
    evidence: str
    paused_from: str = ""  # for source "paused": the state the innovation was paused from
    needs_value_direction: bool = False
    needs_evaluation: bool = False
    needs_reason_and_learning: bool = False

    @property
    def id(self) -> str:
        where = f"paused-from-{self.paused_from}" if self.paused_from else self.source
        return f"{self.transition}-from-{where}"


MOVES: list[Move] = [
    Move("mandate", "need", "exploring", DECISION, needs_value_direction=True),
    Move("approve_test", "exploring", "testing", DECISION),
    Move("approve_implementation", "testing", "implementing", DECISION),
    Move("recycle", "testing", "exploring", DECISION),
    Move("start_evaluation", "implementing", "evaluating", FOLLOW_UP),
    Move("spread", "evaluating", "spreading", DECISION, needs_evaluation=True),
    Move("complete", "evaluating", "completed", DECISION, needs_evaluation=True),
    Move("close", "spreading", "completed", FOLLOW_UP),
    # a new version of the mandate card; the phase stays
    *[
        Move("amend_mandate", state, state, DECISION)
        for state in ["exploring", "testing", "implementing", "evaluating"]
    ],
    *[Move("pause", state, "paused", DECISION) for state in ACTIVE],
    *[Move("resume", "paused", state, DECISION, paused_from=state) for state in ACTIVE],
    *[Move("stop", state, "stopped", DECISION, needs_reason_and_learning=True) for state in ACTIVE],
    Move(
        "stop", "paused", "stopped", DECISION, paused_from="testing", needs_reason_and_learning=True
    ),
]

# The shortest walk through the services from ``need`` to each state.
PATHS: dict[str, list[str]] = {
    "need": [],
    "exploring": ["mandate"],
    "testing": ["mandate", "approve_test"],
    "implementing": ["mandate", "approve_test", "approve_implementation"],
    "evaluating": ["mandate", "approve_test", "approve_implementation", "start_evaluation"],
    "spreading": [
        "mandate",
        "approve_test",
        "approve_implementation",
        "start_evaluation",
        "spread",
    ],
    "completed": [
        "mandate",
        "approve_test",
        "approve_implementation",
        "start_evaluation",
        "complete",
    ],
    "stopped": ["stop"],
}

EVIDENCE_OF = {move.transition: move.evidence for move in MOVES}

VALUE_DIRECTION = "Borgeren skal opleve kortere ventetid og mere nærvær."
STOP_REASON = "Løsningen gav ikke de forventede gevinster."
STOP_LEARNING = "Medarbejderne skal inddrages fra starten."
AMENDED_STOP_CRITERIA = "Udvalget stopper, hvis ventetiden ikke falder inden for et år."


def path_to(state: str, paused_from: str = "") -> list[str]:
    if state == "paused":
        return [*PATHS[paused_from], "pause"]
    return PATHS[state]


# The name each transition has in the UI (English), written out by hand like the table.
LABELS = {
    "mandate": "Give a mandate",
    "approve_test": "Approve testing",
    "approve_implementation": "Approve implementation",
    "recycle": "Back to exploration",
    "start_evaluation": "Start evaluation",
    "spread": "Spread",
    "complete": "Complete",
    "close": "Close",
    "pause": "Pause",
    "resume": "Resume",
    "stop": "Stop",
    "amend_mandate": "Amend the mandate",
}


def needs_reason(name: str) -> str:
    """The reason, in the UI's words, that a transition gives when it has no evidence."""
    if name == "mandate":
        return "needs an approved decision on “Give a mandate” with a value direction"
    if name == "amend_mandate":
        return "needs an approved decision on “Amend the mandate” with the mandate card it records"
    if EVIDENCE_OF[name] == FOLLOW_UP:
        return f"needs a follow-up on “{LABELS[name]}” whose status the committee has taken note of"
    return f"needs an approved decision on “{LABELS[name]}”"


def raise_need(world, *, title: str = "Digital genoptræning i eget hjem") -> Innovation:
    """The owning official raises a need at the world's responsible committee."""
    return create_innovation(
        actor=world.official,
        title=title,
        need="Borgerne venter for længe på genoptræning efter udskrivelse.",
        committee=world.committee,
        intended_values=["quality", "citizen_satisfaction"],
    )


def record(
    world,
    innovation: Innovation,
    name: str,
    *,
    actor=None,
    meeting=None,
    outcome: str = "approved",
    apply: bool = False,
    value_direction: str = VALUE_DIRECTION,
    reason: str = STOP_REASON,
    learning: str = STOP_LEARNING,
):
    """Record the evidence ``name`` needs (a decision or a follow-up) through the services."""
    actor = actor or world.secretary
    meeting = meeting or world.meeting
    if EVIDENCE_OF.get(name) == FOLLOW_UP:
        return services.record_follow_up(
            actor=actor,
            innovation=innovation,
            meeting=meeting,
            agenda_item=f"Orientering om {name}",
            assessment="on_track",
            summary="Projektet følger planen, og status blev fremlagt for udvalget.",
            taken_note="Udvalget tog orienteringen til efterretning.",
            transition=name,
            apply_transition=apply,
        )
    seats = voting_members(meeting.committee_id, meeting.date)
    return services.record_decision(
        actor=actor,
        innovation=innovation,
        meeting=meeting,
        agenda_item=f"Beslutning om {name}",
        transition=name,
        outcome=outcome,
        resolution="Udvalget godkender indstillingen.",
        # as many votes as the committee had members that day (the service checks the sum)
        votes_for=seats or None,
        votes_against=0 if seats else None,
        votes_abstaining=0 if seats else None,
        value_direction=value_direction if name == "mandate" else "",
        mandate_card={"stop_criteria": AMENDED_STOP_CRITERIA} if name == "amend_mandate" else None,
        apply_transition=apply,
        reason=reason if name == "stop" else "",
        learning=learning if name == "stop" else "",
    )


def evaluate(world, innovation: Innovation) -> None:
    submit_evaluation(
        actor=world.official,
        innovation=innovation,
        method="internal",
        # an effect for every intended value of the mandate, as the service requires
        effects={
            value: {"effect": "improved", "basis": "measured", "text": "Færre genindlæggelser."}
            if value == "quality"
            else {"effect": "unknown", "basis": "assessed", "text": "Ikke målt i forsøget."}
            for value in Innovation.objects.get(pk=innovation.pk).intended_values
        },
        learning="Tidlig inddragelse af borgerne virkede.",
        recommendation="Kan spredes til andre kommuner.",
    )


def walk(world, innovation: Innovation, names: list[str]) -> Innovation:
    """Apply ``names`` in order, the way a secretary does after each meeting."""
    for name in names:
        if name in ("spread", "complete"):
            evaluate(world, innovation)
        result = record(world, innovation, name, apply=True)
        assert result.applied, f"walking through {name} failed"
        innovation = result.innovation
    return innovation


def innovation_in(world, state: str, paused_from: str = "", **kwargs) -> Innovation:
    """A new innovation brought to ``state`` through the services, never by writing the field."""
    innovation = walk(world, raise_need(world, **kwargs), path_to(state, paused_from))
    assert innovation.state == state
    return Innovation.objects.get(pk=innovation.pk)


def replay(entries, *, moves: list[Move] = MOVES) -> str:
    """Replay log rows from ``need`` against the reference table; return the state reached."""
    state, paused_from = "need", ""
    for entry in entries:
        assert entry.source == state, (
            f"log row {entry.pk} ({entry.transition}) starts at {entry.source}, not {state}"
        )
        allowed = [
            m
            for m in moves
            if m.transition == entry.transition
            and m.source == state
            and (m.transition != "resume" or m.paused_from == paused_from)
        ]
        assert allowed, f"{entry.transition} is not in the table from {state}"
        assert entry.target == allowed[0].target, (
            f"{entry.transition} from {state} should end in {allowed[0].target}, "
            f"the log says {entry.target}"
        )
        paused_from = state if entry.transition == "pause" else ""
        state = entry.target
    return state
