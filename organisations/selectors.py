"""Reads of organisations, committees and meetings, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Committee, Meeting, Organisation


def all_organisations() -> QuerySet[Organisation]:
    """The 98 municipalities and 5 regions are public reference data."""
    return Organisation.objects.all()


def visible_committees(user) -> QuerySet[Committee]:
    queryset = Committee.objects.select_related("organisation")
    if user.is_superuser:
        return queryset
    if not user.organisation_id:
        return queryset.none()
    return queryset.filter(organisation_id=user.organisation_id)


def visible_meetings(user) -> QuerySet[Meeting]:
    queryset = Meeting.objects.select_related("committee")
    if user.is_superuser:
        return queryset
    if not user.organisation_id:
        return queryset.none()
    return queryset.filter(committee__organisation_id=user.organisation_id)
