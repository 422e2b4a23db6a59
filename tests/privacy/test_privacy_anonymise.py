"""A committee secretary leaves Aarhus; an administrator anonymises her.

Her account is closed and her name and e-mail are gone from everywhere; the decisions she
recorded stay as they were (the trail is immutable) and now show her role and organisation,
never a private e-mail.

A politician who leaves loses what they followed, the notices of it and their briefing; the
member proposals and requests to examine reuse they made stay, as the political record, under
their role and organisation.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from notifications.models import Notification
from rest_framework.test import APIClient

from access.models import ApiToken
from core.errors import NotFound, PermissionDenied, ValidationFailed
from decisions.models import Decision
from organisations.models import Membership, User
from politics.models import Briefing, MemberProposal, ReuseRequest
from politics.services import REUSE_REQUESTED_VERB
from privacy.models import Anonymisation
from privacy.selectors import person_data
from privacy.services import anonymise_person
from reminders.models import Checkpoint, Follow, FollowNotice, Reminder

from ..factories import api_key_for
from ..privacy_world import politician_with_history, secretary_with_history

pytestmark = pytest.mark.django_db


def can_sign_in(username: str, password: str) -> bool:
    """Whether the sign-in backends accept these credentials (django-axes needs a request)."""
    request = RequestFactory().post(reverse("login"))
    return authenticate(request, username=username, password=password) is not None


PRIVATE = ("Karen", "Sekretærsen", "karen.privat@example.dk", "aar-secretary")


def test_a_person_who_leaves_is_anonymised_and_the_trail_keeps_role_and_organisation(aarhus):
    history = secretary_with_history(aarhus)
    token = api_key_for(history.person)

    anonymise_person(actor=aarhus.administrator, person=history.person)

    person = User.objects.get(pk=history.person.pk)
    assert not person.is_active and not person.has_usable_password()
    assert not ApiToken.objects.filter(owner=person).usable().exists()
    assert person.email == "" and person.title == ""
    assert str(person) == f"Udvalgssekretær, {aarhus.organisation.name}"
    # the decision she recorded is the same immutable row, now under her role
    decision = Decision.objects.select_related("recorded_by").get(pk=history.decision.pk)
    assert decision.resolution == history.decision.resolution
    assert str(decision.recorded_by) == f"Udvalgssekretær, {aarhus.organisation.name}"
    # what was addressed to her personally is gone; memberships end today
    assert not Notification.objects.filter(recipient=person).exists()
    assert not Reminder.objects.filter(recipient=person).exists()
    assert not Membership.objects.valid_on(timezone.localdate()).filter(person=person).exists()
    assert Membership.objects.filter(person=person).exists()  # the committee's history stays
    assert Anonymisation.objects.get(person=person).by == aarhus.administrator

    # her name and e-mail are nowhere in what Spor shows about her
    exported = str(person_data(aarhus.administrator, person))
    for text in PRIVATE:
        assert text not in exported, text
    page = Client()
    page.force_login(aarhus.administrator)
    html = page.get(reverse("innovation_detail", args=[history.innovation.pk])).content.decode()
    for text in PRIVATE:
        assert text not in html, text

    # she can no longer sign in, nor use her token
    assert not can_sign_in("aar-secretary", "demo-password")
    assert not can_sign_in(person.username, "demo-password")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/innovations/").status_code == 401


def test_only_the_organisations_administrator_anonymises(aarhus, copenhagen):
    history = secretary_with_history(aarhus)
    with pytest.raises(NotFound):
        anonymise_person(actor=copenhagen.administrator, person=history.person)
    with pytest.raises(PermissionDenied):
        anonymise_person(actor=aarhus.official, person=history.person)
    with pytest.raises(ValidationFailed):
        anonymise_person(actor=aarhus.administrator, person=aarhus.administrator)
    assert User.objects.get(pk=history.person.pk).is_active


def test_anonymising_twice_changes_nothing_more(aarhus):
    history = secretary_with_history(aarhus)
    first = anonymise_person(actor=aarhus.administrator, person=history.person)
    second = anonymise_person(actor=aarhus.administrator, person=history.person)
    assert (first.username, str(first)) == (second.username, str(second))
    assert Anonymisation.objects.count() == 1


def test_the_operator_anonymises_with_the_command(aarhus):
    history = secretary_with_history(aarhus)
    call_command("anonymise_person", "aar-secretary", "--by", aarhus.administrator.username)
    assert not User.objects.get(pk=history.person.pk).is_active


# --- A politician leaves: follows go, the political record stays under the role -------------

POLITICIAN = ("Poul", "Politikersen", "poul.privat@example.dk", "aar-politician")


def test_a_politician_who_leaves_keeps_the_proposals_under_the_role_and_loses_the_follows(
    aarhus, copenhagen
):
    history = politician_with_history(aarhus, copenhagen)
    shown_as = f"Politiker, {aarhus.organisation.name}"
    proposal_checkpoint = history.proposal.checkpoint
    request_checkpoint = Checkpoint.objects.get(
        innovation=history.reuse_request.innovation, kind="decision"
    )
    assert "Poul Politikersen" in proposal_checkpoint.title
    assert "Poul Politikersen" in request_checkpoint.title

    anonymise_person(actor=aarhus.administrator, person=history.person)

    person = User.objects.get(pk=history.person.pk)
    assert str(person) == shown_as
    # operational: what they followed and were told of it, and their briefing, are gone
    assert not Follow.objects.filter(pk=history.follow.pk).exists()
    assert not FollowNotice.objects.filter(recipient=person).exists()
    assert not Briefing.objects.filter(pk=history.briefing.pk).exists()
    assert Follow.objects.filter(innovation=history.followed).count() == 0
    # the political record stays: the same rows and texts, the person shown by role
    proposal = MemberProposal.objects.select_related("proposed_by").get(pk=history.proposal.pk)
    assert proposal.proposal == history.proposal.proposal
    assert str(proposal.proposed_by) == shown_as
    request = ReuseRequest.objects.select_related("requested_by").get(pk=history.reuse_request.pk)
    assert request.reason == history.reuse_request.reason
    assert request.examination == "Passer til vores hjemmepleje."
    assert str(request.requested_by) == shown_as
    # the name the services wrote into the checkpoints and notifications is the role now
    proposal_checkpoint.refresh_from_db()
    request_checkpoint.refresh_from_db()
    assert proposal_checkpoint.title.endswith(shown_as)
    assert request_checkpoint.title.endswith(shown_as)
    told = Notification.objects.get(recipient=aarhus.administrator, verb=REUSE_REQUESTED_VERB)
    assert "Poul Politikersen" not in told.description and shown_as in told.description

    exported = str(person_data(aarhus.administrator, person))
    for text in POLITICIAN:
        assert text not in exported, text


def test_the_examiner_who_leaves_stays_on_the_request_as_a_role(aarhus, copenhagen):
    history = politician_with_history(aarhus, copenhagen)

    anonymise_person(actor=aarhus.administrator, person=aarhus.official)

    request = ReuseRequest.objects.select_related("examined_by").get(pk=history.reuse_request.pk)
    assert request.examined_by_id == aarhus.official.pk
    assert str(request.examined_by) == f"Embedsperson, {aarhus.organisation.name}"
    # and the request is still in what Spor shows as theirs, under the role
    data = person_data(aarhus.administrator, request.examined_by)
    examined = data["politics"]["reuse_requests_examined"]
    assert [r["id"] for r in examined] == [history.reuse_request.pk]
    # the politician's rows are not touched
    assert Follow.objects.filter(pk=history.follow.pk).exists()
    assert Briefing.objects.filter(pk=history.briefing.pk).exists()
