"""Amounts and dates read the Danish way on the innovation page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from ..factories import InnovationFactory

pytestmark = pytest.mark.django_db


def test_budget_and_deadline_in_danish_format(client, copenhagen):
    # the frame is the mandate card's (issue 13); here it is set on the row directly
    innovation = InnovationFactory(
        title="Sensorer i plejeboliger",
        need="Natlige fald opdages for sent.",
        committee=copenhagen.committee,
        frame_budget=Decimal("650000"),
        frame_deadline=datetime.date(2027, 12, 31),
    )
    client.force_login(copenhagen.secretary)

    page = client.get(reverse("innovation_detail", args=[innovation.pk]), HTTP_ACCEPT_LANGUAGE="da")

    text = page.content.decode()
    assert "650.000,00" in text
    assert "31.12.2027" in text
