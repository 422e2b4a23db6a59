"""A committee secretary leaves Aarhus; an administrator anonymises her.

Her account is closed and her name and e-mail are gone from everywhere; the decisions she
recorded stay as they were (the trail is immutable) and now show her role and organisation,
never a private e-mail.
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
from privacy.models import Anonymisation
from privacy.selectors import person_data
from privacy.services import anonymise_person
from reminders.models import Reminder

from ..factories import api_key_for
from ..privacy_world import secretary_with_history

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
