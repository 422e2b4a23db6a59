"""The demo shows what politicians do: a member proposal, reuse requests, followers, a
committee report of the last term and briefings of the new one."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from organisations.models import Committee
from politics.models import Briefing, MemberProposal, ReuseRequest, ReuseRequestStatus
from politics.selectors import committee_report, live_mandates
from reminders.models import Follow

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_the_demo_shows_what_politicians_do(seeded):
    proposal = MemberProposal.objects.get()
    assert proposal.checkpoint.committee == proposal.committee
    statuses = set(ReuseRequest.objects.values_list("status", flat=True))
    assert statuses == {ReuseRequestStatus.FOR_DECISION, ReuseRequestStatus.REQUESTED}
    follows = Follow.objects.select_related("person", "innovation")
    assert follows.count() >= 4
    assert any(f.person.organisation_id != f.innovation.organisation_id for f in follows)
    assert Briefing.objects.exists()
    # the committee's report of the last term has something in every part the history holds
    committee = Committee.objects.get(
        organisation__code="0751", name="Sundheds- og Omsorgsudvalget"
    )
    report = committee_report(
        committee, start=datetime.date(2022, 1, 1), end=datetime.date(2025, 12, 31)
    )
    assert report.mandates and report.moves
    assert live_mandates(committee)
    # running it again adds nothing
    before = (MemberProposal.objects.count(), ReuseRequest.objects.count(), follows.count(),
              Briefing.objects.count())  # fmt: skip
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
    after = (MemberProposal.objects.count(), ReuseRequest.objects.count(), follows.count(),
             Briefing.objects.count())  # fmt: skip
    assert before == after
