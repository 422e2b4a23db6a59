"""Reads of organisations, committees and meetings, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Committee, Meeting, Organisation


def all_organisations() -> QuerySet[Organisation]:
    """The 98 municipalities and 5 regions are public reference data."""
    return Organisation.objects.all()


def visible_committees(user) -> QuerySet[Committee]:
    return Committee.objects.visible_to(user).select_related("organisation")


def visible_meetings(user) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user).select_related("committee")
