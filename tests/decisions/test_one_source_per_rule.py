"""One source for each rule: the vote range lives on the model, the transitions' names and
labels in the workflow's declarations, "what may this person see" in one QuerySet method.
Every entry point (the web form, the API, a correction) meets the same rule."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from decisions.models import MAX_VOTES, Decision
from innovations.models import Innovation
from innovations.workflow import transition_specs
from organisations.models import Meeting, User
from reminders.models import Checkpoint

from ..factories import InnovationFactory


@pytest.fixture
def need(copenhagen):
    return InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)


def test_the_web_form_refuses_more_votes_than_the_model_allows(client, copenhagen, need):
    client.force_login(copenhagen.secretary)
    response = client.post(
        reverse("meeting_detail", args=[copenhagen.meeting.pk]),
        {
            "kind": "decision",
            "decision-innovation": need.pk,
            "decision-agenda_item": "Punkt 3",
            "decision-outcome": "postponed",
            "decision-resolution": "Udsat.",
            "decision-votes_for": str(MAX_VOTES + 1),
        },
    )
    assert response.status_code == 200
    assert not Decision.objects.filter(innovation=need).exists()


def test_the_api_and_a_correction_refuse_it_too(copenhagen, need):
    api = APIClient()
    api.force_authenticate(copenhagen.secretary)
    recorded = api.post(
        "/api/v1/decisions/",
        {
            "innovation": need.pk,
            "meeting": copenhagen.meeting.pk,
            "agenda_item": "Punkt 3",
            "outcome": "postponed",
            "resolution": "Udsat.",
            "votes_for": 2,  # the committee has two members with a vote
        },
        format="json",
    )
    assert recorded.status_code == 201, recorded.json()
    corrected = api.post(
        "/api/v1/corrections/",
        {
            "decision": recorded.json()["id"],
            "reason": "Tastefejl",
            "corrected_values": {"votes_for": 5000},
        },
        format="json",
    )
    assert corrected.status_code == 400
    assert "votes_for" in corrected.json()["errors"] or "votes_for" in str(corrected.json())


def test_the_transition_labels_are_the_workflows(client, copenhagen):
    labels = {spec.name: spec.label for spec in transition_specs()}
    field = Decision._meta.get_field("transition")
    assert dict(field.choices) == labels
    schema = client.get("/api/schema/?format=json").json()
    assert schema["components"]["schemas"]["TransitionEnum"]["enum"] == list(labels)


def test_a_superuser_sees_a_meeting_and_a_record_in_the_web_ui_as_in_the_api(client, copenhagen):
    operator = User.objects.create_superuser("drift", password="x", email="")
    innovation = InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
    for model in (Innovation, Meeting, Decision, Checkpoint):
        everything = model.objects.all()
        assert set(model.objects.visible_to(operator)) == set(everything)
        assert not model.objects.visible_to(User(username="nobody")).exists()
    client.force_login(operator)
    assert client.get(reverse("meeting_detail", args=[copenhagen.meeting.pk])).status_code == 200
    assert client.get(f"/api/v1/innovations/{innovation.pk}/").status_code == 200
