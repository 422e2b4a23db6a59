"""The innovation's fast output is exactly what its declared fields (the schema) say."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from rest_framework import serializers

from api.serializers import InnovationOut
from innovations.models import Innovation

from ..factories import InnovationFactory

pytestmark = pytest.mark.django_db


def declared(innovation: Innovation) -> dict:
    """DRF's own field-by-field representation of the declared fields."""
    return dict(serializers.ModelSerializer.to_representation(InnovationOut(), innovation))


def test_a_bare_innovation_reads_the_same_both_ways(copenhagen):
    innovation = InnovationFactory(committee=copenhagen.committee, innovation_types=[])
    innovation = Innovation.objects.get(pk=innovation.pk)
    assert InnovationOut(innovation).data == declared(innovation)
    assert list(InnovationOut(innovation).data) == InnovationOut.Meta.fields


def test_a_full_innovation_reads_the_same_both_ways(copenhagen):
    origin = InnovationFactory(committee=copenhagen.committee)
    innovation = InnovationFactory(
        committee=copenhagen.committee,
        owner=copenhagen.official,
        reused_from=origin,
        shared=True,
        value_direction="Mere tid til borgerne",
        solution="En app",
        frame_budget=Decimal("1250000.5"),
        frame_deadline=datetime.date(2027, 6, 30),
        frame_scope="Hjemmeplejen",
        kle_code="27.24.00",
        contact_role="Projektleder",
        collaborators=["citizens", "staff"],
        innovation_types=["service", "process"],
        intended_values=["quality", "democracy"],
    )
    innovation = Innovation.objects.get(pk=innovation.pk)
    fast = InnovationOut(innovation).data
    assert fast == declared(innovation)
    assert fast["frame_budget"] == "1250000.50"
