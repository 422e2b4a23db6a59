"""Factories for Spor's data. Organisations come from the data migration, by code."""

from __future__ import annotations

import datetime
import uuid

import factory
from django.utils import timezone

from decisions.models import Decision, FollowUp
from innovations.models import Innovation
from organisations.models import Committee, Meeting, Membership, Organisation, Role, User


def organisation(code: str = "0101") -> Organisation:
    return Organisation.objects.get(code=code)


def council_of(org: Organisation) -> Committee:
    return Committee.objects.get(organisation=org, is_council=True)


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    organisation = factory.LazyFunction(lambda: organisation("0101"))
    name = factory.Sequence(lambda n: f"Udvalg {n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    date = factory.Sequence(lambda n: timezone.localdate() - datetime.timedelta(days=1 + n))
    minutes_url = "https://dagsordener.example.dk/referat"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Sequence(lambda n: f"Person{n}")
    last_name = "Jensen"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.dk")
    organisation = factory.LazyFunction(lambda: organisation("0101"))
    role = Role.OFFICIAL
    password = factory.PostGenerationMethodCall("set_password", "demo-password")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(UserFactory)
    committee = factory.SubFactory(CommitteeFactory)
    role = "member"
    valid_from = datetime.date(2026, 1, 1)
    valid_to = None


class InnovationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Innovation

    title = factory.Sequence(lambda n: f"Velfærdsteknologi i ældreplejen {n}")
    need = "Borgerne venter for længe på hjælp."
    committee = factory.SubFactory(CommitteeFactory)
    organisation = factory.LazyAttribute(lambda i: i.committee.organisation)
    innovation_types = ["service"]
    intended_values = ["quality"]


class DecisionFactory(factory.django.DjangoModelFactory):
    """A recorded decision, made directly (tests use it to build odd evidence on purpose)."""

    class Meta:
        model = Decision

    innovation = factory.SubFactory(InnovationFactory)
    meeting = factory.LazyAttribute(lambda d: MeetingFactory(committee=d.innovation.committee))
    agenda_item = factory.Sequence(lambda n: f"Punkt {n}")
    transition = "mandate"
    outcome = "approved"
    resolution = "Udvalget godkender indstillingen."
    value_direction = "Mere tid til borgerne, mindre ventetid."
    recorded_by = factory.SubFactory(UserFactory, role=Role.SECRETARY)
    recorded_at = factory.LazyFunction(timezone.now)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    innovation = factory.SubFactory(InnovationFactory)
    meeting = factory.LazyAttribute(lambda f: MeetingFactory(committee=f.innovation.committee))
    agenda_item = factory.Sequence(lambda n: f"Orientering {n}")
    assessment = "on_track"
    summary = "Projektet følger planen."
    taken_note = "Udvalget tog orienteringen til efterretning."
    transition = "start_evaluation"
    recorded_by = factory.SubFactory(UserFactory, role=Role.SECRETARY)
    recorded_at = factory.LazyFunction(timezone.now)


def api_key_for(user, name: str = "") -> str:
    """A new named API token of the user's (as they would create it); returns its key."""
    from access.services import create_token

    name = name or f"Test integration {uuid.uuid4().hex[:8]}"
    return create_token(actor=user, name=name)[1]
