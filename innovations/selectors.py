"""Reads of innovations, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Innovation


def visible_innovations(user) -> QuerySet[Innovation]:
    """The innovations of the user's own organisation (all of them, for a superuser)."""
    queryset = Innovation.objects.select_related(
        "organisation", "committee", "owner", "reused_from"
    )
    if user.is_superuser:
        return queryset
    if not user.organisation_id:
        return queryset.none()
    return queryset.filter(organisation_id=user.organisation_id)


def get_visible_innovation(user, pk: int) -> Innovation | None:
    return visible_innovations(user).filter(pk=pk).first()
