"""Attendance: members present and absent, substitutes, the disqualified; votes checked
against those who could vote, and votes per party group."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from agenda import services as agenda_services
from agenda.models import AgendaItem, AttendanceStatus
from core.errors import PermissionDenied, ValidationFailed
from decisions import services as decision_services
from decisions.models import Decision
from organisations.models import Role
from tests.factories import InnovationFactory, MembershipFactory, UserFactory, api_key_for

pytestmark = pytest.mark.django_db

PRESENT, ABSENT = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT


@pytest.fixture
def seated(copenhagen):
    """A committee of five: the chair, the politician and three more members."""
    more = []
    for n in range(3):
        person = UserFactory(
            username=f"kbh-member-{n}", organisation=copenhagen.organisation, role=Role.POLITICIAN
        )
        MembershipFactory(person=person, committee=copenhagen.committee, role="member")
        more.append(person)
    substitute = UserFactory(
        username="kbh-stedfortraeder", organisation=copenhagen.organisation, role=Role.POLITICIAN
    )
    return [copenhagen.chair, copenhagen.politician, *more], substitute


def _decide(copenhagen, innovation, **votes):
    return decision_services.record_decision(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 5",
        outcome="rejected",
        resolution="Udvalget afviste indstillingen.",
        **votes,
    )


def test_votes_are_checked_against_those_present_and_not_disqualified(
    copenhagen, seated, in_english
):
    members, substitute = seated
    innovation = InnovationFactory(committee=copenhagen.committee)
    item = AgendaItem.objects.create(
        meeting=copenhagen.meeting, number="5", title="Sag", innovation=innovation
    )
    # given: four present, one absent with a substitute in their place, one disqualified
    agenda_services.record_attendance(
        actor=copenhagen.secretary,
        meeting=copenhagen.meeting,
        rows=[
            *[agenda_services.AttendanceIn(person=m.pk, status=PRESENT) for m in members[:4]],
            agenda_services.AttendanceIn(person=members[4].pk, status=ABSENT),
            agenda_services.AttendanceIn(
                person=substitute.pk, status=PRESENT, substitute_for=members[4].pk
            ),
        ],
    )
    agenda_services.record_disqualifications(
        actor=copenhagen.secretary, agenda_item=item, people={members[0].pk: "Inhabil: familie"}
    )

    # when six votes are recorded on the item, where only four could vote
    with pytest.raises(ValidationFailed) as refused:
        decision_services.record_decision(
            actor=copenhagen.secretary,
            innovation=innovation,
            meeting=copenhagen.meeting,
            agenda_entry=item,
            outcome="rejected",
            resolution="Afvist.",
            votes_for=3,
            votes_against=3,
        )
    assert "only 4 members could vote" in refused.value.errors["votes_for"][0]
    assert not Decision.objects.exists()

    # then four are accepted
    recorded = decision_services.record_decision(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_entry=item,
        outcome="rejected",
        resolution="Afvist.",
        votes_for=1,
        votes_against=3,
    )
    assert recorded.record.agenda_item == "5. Sag"


def test_without_attendance_the_committees_size_is_the_limit(copenhagen):
    # the committee has two members with a vote: two votes are fine, eleven are not
    innovation = InnovationFactory(committee=copenhagen.committee)
    assert _decide(copenhagen, innovation, votes_for=2, votes_against=0).record.pk
    with pytest.raises(ValidationFailed) as refused:
        _decide(copenhagen, innovation, votes_for=9, votes_against=2)
    assert "votes_for" in refused.value.errors


def test_votes_per_party_group_add_up_and_fill_the_totals(copenhagen, in_english):
    innovation = InnovationFactory(committee=copenhagen.committee)
    groups = {"A": {"for": 2, "against": 0, "abstaining": 0}, "V": {"for": 0, "against": 1}}
    decision = _decide(copenhagen, innovation, votes_by_group=groups).record
    assert (decision.votes_for, decision.votes_against, decision.votes_abstaining) == (2, 1, 0)
    assert decision.votes_by_group["V"] == {"for": 0, "against": 1, "abstaining": 0}

    with pytest.raises(ValidationFailed) as refused:
        _decide(copenhagen, innovation, votes_for=1, votes_by_group=groups)
    assert "do not add up" in refused.value.errors["votes_by_group"][0]


def test_attendance_rules(copenhagen, seated, in_english):
    members, substitute = seated
    record = agenda_services.record_attendance
    # a substitute sits in for an absent member only
    with pytest.raises(ValidationFailed):
        record(
            actor=copenhagen.secretary,
            meeting=copenhagen.meeting,
            rows=[
                agenda_services.AttendanceIn(person=members[0].pk, status=PRESENT),
                agenda_services.AttendanceIn(
                    person=substitute.pk, status=PRESENT, substitute_for=members[0].pk
                ),
            ],
        )
    # someone who is not a member is not simply "present"
    with pytest.raises(ValidationFailed):
        record(
            actor=copenhagen.secretary,
            meeting=copenhagen.meeting,
            rows=[agenda_services.AttendanceIn(person=substitute.pk, status=PRESENT)],
        )
    # only the committee's secretary or an administrator records it
    with pytest.raises(PermissionDenied):
        record(
            actor=copenhagen.other_secretary,
            meeting=copenhagen.meeting,
            rows=[agenda_services.AttendanceIn(person=members[0].pk, status=PRESENT)],
        )


def test_attendance_through_the_api_is_idempotent_and_audited_once(copenhagen, seated):
    from audit.models import AuditEvent

    members, substitute = seated
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(copenhagen.secretary)}")
    url = f"/api/v1/meetings/{copenhagen.meeting.pk}/attendance/"
    body = {
        "attendance": [
            {"person": members[0].pk, "status": "present", "party_group": "A"},
            {"person": members[1].pk, "status": "absent"},
            {"person": substitute.pk, "status": "present", "substitute_for": members[1].pk},
        ]
    }
    first = api.put(url, body, format="json")
    assert first.status_code == 200, first.content
    events = AuditEvent.objects.count()
    again = api.put(url, body, format="json")
    assert again.status_code == 200 and again.json() == first.json()
    assert AuditEvent.objects.count() == events
    assert {row["person"] for row in api.get(url).json()} == {
        members[0].pk,
        members[1].pk,
        substitute.pk,
    }

    item = AgendaItem.objects.create(meeting=copenhagen.meeting, number="1", title="Sag")
    disqualified = api.put(
        f"/api/v1/agenda-items/{item.pk}/disqualifications/",
        {"disqualified": [{"person": members[0].pk, "reason": "Inhabil"}]},
        format="json",
    )
    assert disqualified.status_code == 200, disqualified.content
    assert disqualified.json() == [{"person": members[0].pk, "reason": "Inhabil"}]
    # someone absent cannot be disqualified on the item
    absent = api.put(
        f"/api/v1/agenda-items/{item.pk}/disqualifications/",
        {"disqualified": [{"person": members[1].pk}]},
        format="json",
    )
    assert absent.status_code == 400


def test_a_record_on_an_item_of_another_meeting_or_innovation_is_refused(copenhagen, in_english):
    innovation = InnovationFactory(committee=copenhagen.committee)
    other = InnovationFactory(committee=copenhagen.committee)
    theirs = AgendaItem.objects.create(
        meeting=copenhagen.meeting, number="3", title="Anden sag", innovation=other
    )
    elsewhere = AgendaItem.objects.create(
        meeting=copenhagen.other_meeting, number="3", title="Andet møde"
    )
    for entry in (theirs, elsewhere):
        with pytest.raises(ValidationFailed) as refused:
            _decide(copenhagen, innovation, agenda_entry=entry)
        assert "agenda_entry" in refused.value.errors
