"""Two people move one innovation at the same moment: exactly one of them wins.

Each round, two threads (each with its own database connection) have loaded the innovation
in ``need`` and then, released together by a barrier, apply conflicting transitions. The row
lock makes the second wait; it then finds the innovation moved on and gets a conflict error.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone, translation

from core.errors import ConcurrentChange, TransitionNotPossible
from decisions import services
from decisions.models import Decision, TransitionLog
from innovations.models import Innovation
from organisations.models import Meeting, User

from ..lifecycle import STOP_LEARNING, STOP_REASON, VALUE_DIRECTION

ROUNDS = 50

# Four kinds of conflict, taken in turn: (how, transition, decision) for each of two people.
# "apply" applies a decision recorded earlier; "record" records and applies in one step, as
# two secretaries entering the minutes of one meeting would.
CONFLICTS = [
    (("apply", "pause", "pause"), ("apply", "stop", "stop")),
    (("apply", "mandate", "mandate_a"), ("apply", "mandate", "mandate_b")),  # two mandates
    (("apply", "mandate", "mandate_a"), ("apply", "mandate", "mandate_a")),  # one, twice
    (("record", "pause", None), ("record", "stop", None)),
]
pytestmark = pytest.mark.usefixtures("in_english")

TARGETS = {"pause": "paused", "stop": "stopped", "mandate": "exploring"}


def prepare_rounds(world, count: int = ROUNDS) -> list[tuple[int, dict[str, int]]]:
    """Innovations in ``need`` with their approved decisions, made in a few bulk inserts."""
    innovations = Innovation.objects.bulk_create(
        Innovation(
            title=f"Samtidighed {n}",
            need="To sekretærer registrerer samme møde.",
            organisation=world.organisation,
            committee=world.committee,
        )
        for n in range(count)
    )
    now = timezone.now()
    decisions = Decision.objects.bulk_create(
        Decision(
            innovation=innovation,
            meeting=world.meeting,
            agenda_item=f"Punkt {key}",
            transition=key.split("_")[0],
            outcome="approved",
            resolution="Udvalget godkender indstillingen.",
            value_direction=VALUE_DIRECTION if key.startswith("mandate") else "",
            recorded_by=world.secretary,
            recorded_at=now,
        )
        for innovation in innovations
        for key in ("pause", "stop", "mandate_a", "mandate_b")
    )
    keys: dict[int, dict[str, int]] = {innovation.pk: {} for innovation in innovations}
    for decision in decisions:
        keys[decision.innovation_id][decision.agenda_item.removeprefix("Punkt ")] = decision.pk
    return [(innovation.pk, keys[innovation.pk]) for innovation in innovations]


def act(barrier, results, *, how, actor_pk, innovation_pk, transition, decision_pk) -> None:
    translation.activate("en")  # the language is per thread
    try:
        actor = User.objects.get(pk=actor_pk)
        innovation = Innovation.objects.get(pk=innovation_pk)  # both see it in `need`
        decision = (
            Decision.objects.select_related("meeting__committee").get(pk=decision_pk)
            if decision_pk
            else None
        )
        meeting = Meeting.objects.select_related("committee").get(
            committee_id=innovation.committee_id
        )
        barrier.wait()
        try:
            if how == "apply":
                result = services.apply_transition(
                    actor=actor,
                    innovation=innovation,
                    transition=transition,
                    decision=decision,
                    reason=STOP_REASON,
                    learning=STOP_LEARNING,
                )
            else:
                result = services.record_decision(
                    actor=actor,
                    innovation=innovation,
                    meeting=meeting,
                    agenda_item=f"Punkt om {transition}",
                    transition=transition,
                    outcome="approved",
                    resolution="Udvalget godkender indstillingen.",
                    apply_transition=True,
                    reason=STOP_REASON,
                    learning=STOP_LEARNING,
                    expected_state=innovation.state,
                )
            results.append(("won", transition, result.log_entry.pk))
        except (ConcurrentChange, TransitionNotPossible) as exc:
            results.append(("lost", transition, exc))
        except Exception as exc:  # anything else is a failure the main thread reports
            results.append(("error", transition, exc))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_concurrent_transitions_exactly_one_wins(copenhagen):
    rounds = prepare_rounds(copenhagen)
    people = [copenhagen.secretary.pk, copenhagen.administrator.pk]
    wins = 0
    for number, (innovation_pk, decision_pks) in enumerate(rounds):
        conflict = CONFLICTS[number % len(CONFLICTS)]
        barrier = threading.Barrier(2, timeout=20)
        results: list[tuple] = []
        threads = [
            threading.Thread(
                target=act,
                args=(barrier, results),
                kwargs={
                    "how": how,
                    "actor_pk": actor_pk,
                    "innovation_pk": innovation_pk,
                    "transition": transition,
                    "decision_pk": decision_pks[key] if key else None,
                },
            )
            for actor_pk, (how, transition, key) in zip(people, conflict, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in threads), f"round {number} hangs"

        outcomes = sorted(outcome for outcome, _name, _detail in results)
        assert outcomes == ["lost", "won"], f"round {number} ({conflict}): {results}"
        [(_, winner, entry_pk)] = [r for r in results if r[0] == "won"]
        [(_, _loser, error)] = [r for r in results if r[0] == "lost"]
        # the loser is told, in words, that someone else moved the innovation first
        assert isinstance(error, ConcurrentChange), error
        assert error.message == (
            f"The innovation moved from Need to {TARGETS[winner].capitalize()} while you were acting."
        )
        stored = Innovation.objects.get(pk=innovation_pk)
        assert stored.state == TARGETS[winner]
        assert list(
            TransitionLog.objects.filter(innovation_id=innovation_pk).values_list("pk", flat=True)
        ) == [entry_pk]
        wins += 1

    assert wins == ROUNDS
    assert TransitionLog.objects.count() == ROUNDS
    # a losing "record and apply" recorded nothing: only the winners' decisions were added
    recorded_in_rounds = sum(
        1 for n in range(ROUNDS) if CONFLICTS[n % len(CONFLICTS)][0][0] == "record"
    )
    assert Decision.objects.count() == 4 * ROUNDS + recorded_in_rounds


@pytest.mark.django_db
def test_a_stale_view_is_told_the_innovation_moved(copenhagen):
    # a secretary holds a page loaded before a colleague paused the innovation
    [(innovation_pk, decision_pks)] = prepare_rounds(copenhagen, count=1)
    stale = Innovation.objects.get(pk=innovation_pk)
    services.apply_transition(
        actor=copenhagen.administrator,
        innovation=Innovation.objects.get(pk=innovation_pk),
        transition="pause",
        decision=Decision.objects.get(pk=decision_pks["pause"]),
    )
    with pytest.raises(ConcurrentChange) as refused:
        services.apply_transition(
            actor=copenhagen.secretary,
            innovation=stale,
            transition="stop",
            decision=Decision.objects.get(pk=decision_pks["stop"]),
            reason=STOP_REASON,
            learning=STOP_LEARNING,
        )
    assert refused.value.reasons == ["it is now in the phase Paused"]
    assert TransitionLog.objects.filter(innovation_id=innovation_pk).count() == 1
