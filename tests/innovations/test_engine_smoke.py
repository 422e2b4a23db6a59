"""A secretary moves an innovation through its first phase on a recorded mandate."""

import pytest

from core.errors import PermissionDenied, TransitionNotPossible
from decisions import services
from innovations.services import create_innovation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def test_secretary_records_mandate_and_moves_need_to_exploring(copenhagen):
    # given an official raised a need at the committee
    innovation = create_innovation(
        actor=copenhagen.official,
        title="Digital genoptræning",
        need="Lange ventelister",
        committee=copenhagen.committee,
    )
    options = {o.name: o for o in services.available_transitions(innovation, copenhagen.secretary)}
    assert options["mandate"].available is False
    assert options["mandate"].reasons == [
        "needs an approved decision on “Give a mandate” with a value direction"
    ]

    # when the secretary records the approved mandate and applies it
    result = services.record_decision(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 4",
        transition="mandate",
        outcome="approved",
        resolution="Udvalget giver mandat.",
        value_direction="Borgeren skal hurtigere tilbage til hverdagen.",
        apply_transition=True,
    )

    # then the innovation is exploring, with the value direction the committee set
    assert result.applied
    innovation.refresh_from_db()
    assert innovation.state == "exploring"
    assert innovation.value_direction == "Borgeren skal hurtigere tilbage til hverdagen."
    assert result.log_entry.source == "need" and result.log_entry.decision == result.record


def test_politician_cannot_record_a_decision(copenhagen):
    innovation = create_innovation(
        actor=copenhagen.official,
        title="Ny cykelsti",
        need="Utryg skolevej",
        committee=copenhagen.committee,
    )
    with pytest.raises(PermissionDenied):
        services.record_decision(
            actor=copenhagen.politician,
            innovation=innovation,
            meeting=copenhagen.meeting,
            agenda_item="Punkt 1",
            transition="mandate",
            outcome="approved",
            resolution="Godkendt.",
            value_direction="Trygge skoleveje.",
        )


def test_rejected_mandate_is_recorded_and_moves_nothing(copenhagen):
    innovation = create_innovation(
        actor=copenhagen.official,
        title="Robotstøvsugere",
        need="Rengøring",
        committee=copenhagen.committee,
    )
    result = services.record_decision(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 2",
        transition="mandate",
        outcome="rejected",
        resolution="Ikke godkendt.",
        value_direction="Renere boliger.",
        apply_transition=True,
    )
    assert not result.applied
    with pytest.raises(TransitionNotPossible) as refused:
        services.apply_transition(
            actor=copenhagen.secretary,
            innovation=innovation,
            transition="mandate",
            decision=result.record,
        )
    assert "not approved" in refused.value.reasons[0]
