"""A new electoral term: each committee's new members get a briefing on its live mandates."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from notifications.models import Notification

from politics.models import Briefing
from politics.selectors import live_mandates
from politics.services import send_briefings
from tests.factories import MembershipFactory, UserFactory
from tests.lifecycle import innovation_in, raise_need

pytestmark = pytest.mark.django_db

TERM = datetime.date(2030, 1, 1)


def test_new_members_of_a_new_term_are_briefed_once(copenhagen, django_capture_on_commit_callbacks):
    # the chair sat in the term before and goes on; a new member joins at the term start
    MembershipFactory(
        person=copenhagen.chair,
        committee=copenhagen.committee,
        role="chair",
        valid_from=datetime.date(2026, 1, 1),
    ).delete()
    copenhagen.chair.memberships.update(valid_from=datetime.date(2026, 1, 1), valid_to=None)
    copenhagen.politician.memberships.update(valid_to=TERM - datetime.timedelta(days=1))
    newcomer = UserFactory(
        username="kbh-ny", organisation=copenhagen.organisation, role="politician",
        email="ny@kk.dk",
    )  # fmt: skip
    MembershipFactory(person=newcomer, committee=copenhagen.committee, valid_from=TERM)
    with django_capture_on_commit_callbacks(execute=True):
        briefed = send_briefings(on=TERM + datetime.timedelta(days=2))
    assert [b.person for b in briefed] == [newcomer]
    notification = Notification.objects.get(recipient=newcomer)
    assert notification.data["url"] == f"/committees/{copenhagen.committee.pk}/briefing/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ny@kk.dk"]
    # a second run, or the command, briefs nobody again
    assert send_briefings(on=TERM + datetime.timedelta(days=3)) == []
    call_command("send_briefings", "--on", "2030-01-05")
    assert Briefing.objects.count() == 1


def test_the_briefing_lists_every_live_mandate(copenhagen):
    exploring = innovation_in(copenhagen, "exploring", title="Udforskes")
    innovation_in(copenhagen, "completed", title="Færdig")
    raise_need(copenhagen, title="Kun et behov")
    mandates = live_mandates(copenhagen.committee)
    assert [i.title for i in mandates] == ["Udforskes"]
    assert mandates[0].value_direction == exploring.value_direction
    assert mandates[0].mandated_on is not None
    assert mandates[0].next_due_date is not None
