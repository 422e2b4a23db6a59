"""The transition log is the innovation's history: replayed from ``need`` against the
lifecycle table, it ends in the innovation's current state, every step on its own evidence."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from decisions.models import TransitionLog
from innovations.models import Innovation

from ..lifecycle import EVIDENCE_OF, FOLLOW_UP, innovation_in, raise_need, record, replay, walk

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def assert_log_replays(innovations) -> int:
    """Replay every innovation's log; return how many log rows were replayed."""
    innovations = list(innovations)
    entries: dict[int, list[TransitionLog]] = {innovation.pk: [] for innovation in innovations}
    for entry in TransitionLog.objects.filter(innovation__in=innovations).select_related(
        "decision", "follow_up"
    ):  # ordered by time, then id
        entries[entry.innovation_id].append(entry)
    for innovation in innovations:
        log = entries[innovation.pk]
        assert replay(log) == innovation.state, innovation
        for entry in log:
            evidence = (
                entry.follow_up if EVIDENCE_OF[entry.transition] == FOLLOW_UP else entry.decision
            )
            assert evidence is not None, f"{innovation}: {entry.transition} has no evidence"
            assert (evidence.innovation_id, evidence.transition) == (
                innovation.pk,
                entry.transition,
            )
            if entry.decision is not None:
                assert entry.decision.is_approved
        if innovation.state == "paused":
            assert innovation.paused_from == log[-1].source
    return sum(len(log) for log in entries.values())


def test_replaying_the_log_ends_in_the_current_state(copenhagen):
    # given innovations that went many ways through the lifecycle
    innovation_in(copenhagen, "need")
    for state in ("exploring", "testing", "implementing", "evaluating", "spreading", "completed"):
        innovation_in(copenhagen, state)
    innovation_in(copenhagen, "stopped")
    innovation_in(copenhagen, "paused", "evaluating")
    innovation_in(copenhagen, "stopped")
    winding = walk(
        copenhagen,
        raise_need(copenhagen, title="Tryghedsskabende velfærdsteknologi"),
        [
            "mandate",
            "approve_test",
            "recycle",
            "pause",
            "resume",
            "approve_test",
            "approve_implementation",
            "pause",
            "resume",
            "start_evaluation",
            "spread",
            "close",
        ],
    )
    stopped_while_paused = walk(
        copenhagen,
        raise_need(copenhagen, title="Fælles indkøb af hjælpemidler"),
        ["mandate", "pause"],
    )
    record(copenhagen, stopped_while_paused, "stop", apply=True)
    # rejected and postponed decisions are recorded but never appear in the log
    record(copenhagen, winding, "stop", outcome="rejected", apply=True)

    replayed = assert_log_replays(Innovation.objects.all())

    assert replayed == TransitionLog.objects.count() > 30
    assert Innovation.objects.get(pk=winding.pk).state == "completed"


def test_a_log_out_of_step_with_the_state_is_caught(copenhagen):
    # the replay is a real check: a state written around the engine does not replay
    innovation = innovation_in(copenhagen, "testing")
    # (the database refuses such a state at commit, see tests/test_db_roles.py; in memory:)
    innovation.__dict__["state"] = "implementing"  # around django-fsm's protected field
    with pytest.raises(AssertionError):
        assert_log_replays([innovation])


def test_replaying_the_demo_data_ends_in_every_innovations_state():
    call_command("seed_demo", "--force", stdout=io.StringIO())  # the test database is no demo

    innovations = Innovation.objects.all()
    assert innovations.count() >= 40
    assert {innovation.state for innovation in innovations} >= {
        "need",
        "exploring",
        "testing",
        "implementing",
        "evaluating",
        "spreading",
        "paused",
        "completed",
        "stopped",
    }
    assert_log_replays(innovations)
