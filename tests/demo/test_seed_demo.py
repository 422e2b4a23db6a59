"""The demo: two municipalities and a region, every phase, built through the services, idempotent.

Story: an operator runs `seed_demo` on a fresh installation in demo mode. Every phase of the
lifecycle has innovations whose histories were recorded by the committees' secretaries at
past meetings; every organisation has a person for each role; running it again changes
nothing; with DEBUG off it refuses unless forced.
"""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.utils import timezone

from decisions.models import Correction, Decision, FollowUp, TransitionLog
from demo.content import DEMO_PASSWORD, ORGANISATIONS, SUPERUSER
from innovations.models import Document, Innovation, Reuse, State
from organisations.models import Membership, MembershipRole, Organisation, Role, User
from privacy.services import anonymise_person

pytestmark = pytest.mark.django_db

ROLES = {
    "admin": Role.ADMINISTRATOR,
    "sekretaer": Role.SECRETARY,
    "embedsmand": Role.OFFICIAL,
    "politiker": Role.POLITICIAN,
}


def seed(*args: str, debug: bool = True) -> str:
    out = io.StringIO()
    with override_settings(DEBUG=debug):
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module (the seed takes seconds), rolled back at its end.

    Each test runs in its own savepoint inside this transaction, as with Django's
    ``setUpTestData``, so what one test writes does not reach the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def test_every_phase_has_innovations_with_histories_recorded_at_past_meetings(seeded):
    innovations = Innovation.objects.select_related("organisation")
    assert innovations.count() >= 40
    assert set(innovations.values_list("state", flat=True)) == set(State.values)
    assert {i.organisation.code for i in innovations} == {o.code for o in ORGANISATIONS}

    # Replaying each innovation's log from `need` ends in its current phase.
    for innovation in innovations.prefetch_related("transition_log"):
        state = State.NEED
        for entry in sorted(innovation.transition_log.all(), key=lambda e: (e.at, e.pk)):
            assert entry.source == state, innovation
            state = entry.target
        assert state == innovation.state, innovation

    # Each move rests on evidence that authorises it, recorded by the committee's secretary
    # (or the council's) on the day of a meeting that had taken place.
    today = timezone.localdate()
    for entry in TransitionLog.objects.select_related(
        "decision__meeting__committee", "follow_up__meeting__committee", "actor"
    ):
        evidence = entry.decision or entry.follow_up
        assert evidence is not None and evidence.transition == entry.transition
        if entry.decision is not None:
            assert entry.decision.is_approved
        assert timezone.localdate(evidence.recorded_at) == evidence.meeting.date < today
        assert entry.actor.role == Role.SECRETARY
        assert Membership.objects.valid_on(evidence.meeting.date).filter(
            person=entry.actor, committee=evidence.meeting.committee, role=MembershipRole.SECRETARY
        )

    # The trail holds what real minutes hold.
    outcomes = set(Decision.objects.values_list("outcome", flat=True))
    assert {"approved", "approved_with_changes", "rejected", "postponed", "referred"} <= outcomes
    assert Decision.objects.exclude(minority_statements="").exists()
    assert Decision.objects.filter(votes_against__gt=0).exists()
    assert Decision.objects.filter(follow_up_date__isnull=False).exists()
    assert FollowUp.objects.filter(transition="").exists()
    corrections = Correction.objects.select_related("decision")
    assert corrections.exists()
    assert all(c.recorded_at > c.decision.recorded_at for c in corrections)
    assert Document.objects.exclude(link="").exists()
    stopped = Innovation.objects.filter(state=State.STOPPED)
    assert all(i.stop_reason and i.stop_learning for i in stopped)
    assert all(
        i.evaluations.exists()
        for i in Innovation.objects.filter(state__in=[State.SPREADING, State.COMPLETED])
    )

    # Shared innovations, and one reused across organisations.
    assert Innovation.objects.filter(shared=True).count() >= 2
    # (the other reuse is the one Odense's administration examined at a politician's request)
    reuse = (
        Reuse.objects.filter(innovation__reuse_request__isnull=True)
        .select_related("innovation", "origin")
        .get()
    )
    assert reuse.innovation.reused_from == reuse.origin
    assert reuse.innovation.organisation_id != reuse.origin.organisation_id


def test_one_person_per_role_per_organisation_all_signing_in_with_the_demo_password(seeded):
    for spec in ORGANISATIONS:
        organisation = Organisation.objects.get(code=spec.code)
        for suffix, role in ROLES.items():
            person = User.objects.get(username=f"{spec.slug}-{suffix}")
            assert person.organisation == organisation and person.role == role
            # a request, as every sign-in has one (the lockout is keyed on its address)
            signing_in = RequestFactory().post("/sign-in/")
            assert authenticate(signing_in, username=person.username, password=DEMO_PASSWORD) == (
                person
            )
        # Committees with chairs and a secretary each, for the current term and the last.
        for committee in organisation.committees.all():
            for day in ("2025-06-01", "2026-06-01"):
                seats = Membership.objects.valid_on(day).filter(committee=committee)
                assert seats.filter(role=MembershipRole.CHAIR).count() == 1, committee
                assert seats.filter(role=MembershipRole.SECRETARY).count() == 1, committee
        assert organisation.committees.count() == 1 + len(spec.committees)
    superuser = User.objects.get(username=SUPERUSER)
    assert superuser.is_superuser and superuser.organisation is None
    assert User.objects.get(username="aarhus-admin").is_staff
    assert Membership.objects.filter(valid_to="2025-12-31").exists()
    assert "aarhus-sekretaer" in seeded and DEMO_PASSWORD in seeded


def test_a_second_run_changes_nothing_even_when_forced_with_debug_off(seeded):
    assert Innovation.objects.count() >= 40
    before = row_counts()
    output = seed("--force", debug=False)
    assert row_counts() == before
    assert "0 innovations created" in output


def test_refused_when_debug_is_off_unless_forced():
    before = row_counts()
    with pytest.raises(CommandError, match="demo mode only"):
        seed(debug=False)
    assert row_counts() == before


def test_a_demo_secretary_who_leaves_is_anonymised_and_the_trail_keeps_her_role(seeded):
    """GDPR: a person with a real history (the demo's secretary of Aarhus) leaves."""
    secretary = (
        User.objects.filter(role=Role.SECRETARY, organisation__name__icontains="Aarhus")
        .filter(pk__in=Decision.objects.values("recorded_by"))
        .first()
    )
    administrator = User.objects.filter(
        role=Role.ADMINISTRATOR, organisation=secretary.organisation
    ).first()
    private = [secretary.first_name, secretary.last_name, secretary.email]
    recorded = list(Decision.objects.filter(recorded_by=secretary).values_list("pk", "resolution"))
    assert recorded and all(private)

    anonymise_person(actor=administrator, person=secretary)

    person = User.objects.get(pk=secretary.pk)
    assert not person.is_active and not person.has_usable_password()
    assert person.email == ""
    label = str(person)
    assert secretary.organisation.name in label
    assert not any(text in label for text in private)
    # every decision she recorded is the same immutable row, now under her role
    for pk, resolution in recorded:
        decision = Decision.objects.select_related("recorded_by").get(pk=pk)
        assert decision.resolution == resolution
        assert str(decision.recorded_by) == label
    request = RequestFactory().post("/sign-in/")
    assert authenticate(request, username=secretary.username, password=DEMO_PASSWORD) is None


def test_the_demo_shows_the_mandate_method(seeded):
    """Mandate cards with indicators, an amended mandate, involvement logs, follow-ups with
    readings and evaluations against the card (issue 13, parts 1 and 2)."""
    from audit import chain
    from decisions.mandate import (
        IndicatorReading,
        InvolvementActivity,
        MandateCard,
        MandateEvaluation,
        ValueDirectionCheck,
    )

    mandated = Innovation.objects.exclude(state__in=[State.NEED]).filter(
        transition_log__transition="mandate"
    )
    cards = MandateCard.objects.all()
    assert cards.filter(version=1).count() == mandated.distinct().count()
    assert cards.filter(indicators__isnull=False).distinct().count() == cards.count()
    amended = cards.filter(version=2)
    assert amended.exists() and all("budget" in c.changed_fields for c in amended)
    for card in amended:
        assert card.innovation.frame_budget == card.budget
    assert InvolvementActivity.objects.filter(platform_url__startswith="https://").exists()
    assert InvolvementActivity.objects.values("innovation").distinct().count() >= 10
    assert IndicatorReading.objects.count() > 20
    assert ValueDirectionCheck.objects.filter(serves="partly").exists()
    against = list(MandateEvaluation.objects.prefetch_related("results__indicator"))
    assert against and any(a.met for a in against) and not all(a.met for a in against)
    assert chain.verify() == []
