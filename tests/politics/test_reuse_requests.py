"""A politician asks the administration to examine reusing a shared innovation; the request
is tracked until the committee has decided on it."""

from __future__ import annotations

import pytest
from notifications.models import Notification

from core.errors import NotFound, PermissionDenied, ValidationFailed
from innovations.models import RaisedBy, State
from politics.models import ReuseRequestStatus
from politics.services import (
    request_reuse_examination,
    start_reuse_examination,
    submit_reuse_examination,
    withdraw_reuse_request,
)
from reminders.models import CheckpointKind, CheckpointStatus
from tests.catalogue_world import shared_innovation
from tests.factories import InnovationFactory
from tests.lifecycle import record

pytestmark = pytest.mark.django_db(transaction=False)


def ask(world, origin, **overrides):
    data = {
        "actor": world.politician,
        "origin": origin,
        "committee": world.committee,
        "reason": "Vi har samme udfordring i hjemmeplejen.",
    }
    data.update(overrides)
    return request_reuse_examination(**data)


def test_the_request_is_tracked_until_the_committee_decides(
    copenhagen, aarhus, django_capture_on_commit_callbacks
):
    origin = shared_innovation(aarhus, title="Skærmbesøg i hjemmeplejen")
    # a politician of Copenhagen asks; the administrators are told
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(copenhagen, origin)
    assert request.status == ReuseRequestStatus.REQUESTED
    assert Notification.objects.filter(recipient=copenhagen.administrator).exists()
    # an official takes it up and puts the examination before the committee
    request = start_reuse_examination(actor=copenhagen.official, request=request)
    assert request.status == ReuseRequestStatus.EXAMINING
    request = submit_reuse_examination(
        actor=copenhagen.official, request=request, examination="Passer til vores hjemmepleje."
    )
    assert request.status == ReuseRequestStatus.FOR_DECISION
    own = request.innovation
    assert own.organisation == copenhagen.organisation
    assert own.reused_from == origin
    assert own.state == State.NEED
    own.refresh_from_db()
    assert own.raised_by == RaisedBy.POLITICIAN
    due = own.checkpoints.get(kind=CheckpointKind.DECISION, committee=copenhagen.committee)
    # a postponement keeps it before the committee
    record(copenhagen, own, "mandate", outcome="postponed")
    request.refresh_from_db()
    assert request.status == ReuseRequestStatus.FOR_DECISION
    # the committee's mandate settles it
    decided = record(copenhagen, own, "mandate", apply=True)
    request.refresh_from_db()
    assert request.status == ReuseRequestStatus.DECIDED
    assert request.decision == decided.record
    due.refresh_from_db()
    assert due.status == CheckpointStatus.COMPLETED
    assert [e.status for e in request.events.all()] == [
        "requested",
        "examining",
        "for_decision",
        "decided",
    ]


def test_only_a_politician_asks_and_only_for_a_shared_innovation_of_another(copenhagen, aarhus):
    origin = shared_innovation(aarhus)
    with pytest.raises(PermissionDenied):
        ask(copenhagen, origin, actor=copenhagen.official)
    unshared = InnovationFactory(committee=aarhus.committee)
    with pytest.raises(NotFound):
        ask(copenhagen, unshared)
    own = shared_innovation(copenhagen)
    with pytest.raises(ValidationFailed):
        ask(copenhagen, own)


def test_one_open_request_per_innovation_and_organisation(copenhagen, aarhus):
    origin = shared_innovation(aarhus)
    ask(copenhagen, origin)
    with pytest.raises(ValidationFailed):
        ask(copenhagen, origin, actor=copenhagen.chair)


def test_a_politician_does_not_examine_and_another_organisation_does_not_see(copenhagen, aarhus):
    origin = shared_innovation(aarhus)
    request = ask(copenhagen, origin)
    with pytest.raises(PermissionDenied):
        start_reuse_examination(actor=copenhagen.politician, request=request)
    with pytest.raises(NotFound):
        start_reuse_examination(actor=aarhus.official, request=request)


def test_the_politician_withdraws_before_it_is_before_the_committee(copenhagen, aarhus):
    origin = shared_innovation(aarhus)
    request = ask(copenhagen, origin)
    with pytest.raises(PermissionDenied):
        withdraw_reuse_request(actor=copenhagen.chair, request=request)
    request = withdraw_reuse_request(actor=copenhagen.politician, request=request, note="Udgår")
    assert request.status == ReuseRequestStatus.WITHDRAWN
    # and may ask again later
    assert ask(copenhagen, origin).status == ReuseRequestStatus.REQUESTED
