"""A politician raises a need as a member proposal; it is due at the committee's next meeting."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.errors import PermissionDenied, ValidationFailed
from innovations.models import RaisedBy, State
from politics.services import raise_member_proposal
from reminders.models import CheckpointKind, CheckpointStatus
from reminders.selectors import checkpoints_visible_to
from tests.factories import MeetingFactory
from tests.lifecycle import record

pytestmark = pytest.mark.django_db


def propose(world, **overrides):
    data = {
        "actor": world.politician,
        "committee": world.committee,
        "title": "Flere grønne skolegårde",
        "need": "Skolegårdene er asfalt; børnene savner skygge og grønt.",
        "proposal": "Udvalget beder forvaltningen undersøge løsninger sammen med skolerne.",
    }
    data.update(overrides)
    return raise_member_proposal(**data)


def test_a_member_proposal_raises_a_need_due_at_the_committees_next_meeting(copenhagen):
    # given the committee meets today and again in three weeks
    later = MeetingFactory(
        committee=copenhagen.committee, date=timezone.localdate() + datetime.timedelta(days=21)
    )
    copenhagen.meeting.delete()
    # when a member of the committee raises a member proposal
    proposal = propose(copenhagen)
    # then the need is an innovation in need, raised by a politician, at that committee
    innovation = proposal.innovation
    assert innovation.state == State.NEED
    assert innovation.raised_by == RaisedBy.POLITICIAN
    assert innovation.committee == copenhagen.committee
    assert innovation.owner is None
    # and a decision checkpoint at the committee is due at its next meeting
    checkpoint = proposal.checkpoint
    assert checkpoint.kind == CheckpointKind.DECISION
    assert checkpoint.committee == copenhagen.committee
    assert checkpoint.due_date == later.date
    assert proposal.meeting == later
    # and the committee's secretary sees it among what is due for the committee
    mine = checkpoints_visible_to(copenhagen.secretary, mine=True)
    assert checkpoint in list(mine)


def test_the_committees_decision_answers_the_proposal(copenhagen):
    proposal = propose(copenhagen)
    record(copenhagen, proposal.innovation, "mandate", apply=True)
    proposal.checkpoint.refresh_from_db()
    assert proposal.checkpoint.status == CheckpointStatus.COMPLETED


def test_only_a_politician_on_the_committee_can_propose(copenhagen):
    with pytest.raises(PermissionDenied):
        propose(copenhagen, actor=copenhagen.official)
    with pytest.raises(PermissionDenied):
        propose(copenhagen, committee=copenhagen.other_committee)


def test_another_organisations_committee_is_refused(copenhagen, aarhus):
    with pytest.raises(ValidationFailed) as refused:
        propose(copenhagen, committee=aarhus.committee)
    assert "committee" in refused.value.errors


def test_an_empty_proposal_is_refused(copenhagen):
    with pytest.raises(ValidationFailed) as refused:
        propose(copenhagen, title=" ", proposal="")
    assert set(refused.value.errors) == {"title", "proposal"}
