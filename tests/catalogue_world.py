"""Helpers for the catalogue, reuse and barometer stories: shared innovations and evaluations."""

from __future__ import annotations

from django.utils import timezone

from innovations.models import Evaluation, Innovation
from innovations.services import share_innovation

from .factories import InnovationFactory


def shared_innovation(municipality, *, contact_role: str = "Innovationskonsulent", **fields):
    """An innovation of ``municipality`` that its administrator has shared in the catalogue."""
    fields.setdefault("committee", municipality.committee)
    innovation = InnovationFactory(**fields)
    return share_innovation(
        actor=municipality.administrator, innovation=innovation, contact_role=contact_role
    )


def evaluation_of(innovation: Innovation, by, **fields) -> Evaluation:
    """A submitted evaluation, made directly (the service has its own stories)."""
    fields.setdefault("method", "internal")
    fields.setdefault("effects", {"quality": {"effect": "improved", "basis": "measured"}})
    return Evaluation.objects.create(
        innovation=innovation, submitted_by=by, submitted_at=timezone.now(), **fields
    )
