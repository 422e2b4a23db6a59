"""Decisions, follow-ups, corrections and the transition log in the admin: to read, never to change.

They are immutable and recorded only through ``decisions.services``; a mistake is corrected
by a correction record, which the services write too.
"""

from __future__ import annotations

from django.contrib import admin

from innovations.admin import InnovationAdmin
from organisations.admin import OrganisationScopedAdmin, ReadOnlyAdmin, ReadOnlyInline

from .models import Correction, Decision, FollowUp, TransitionLog


class EvidenceAdmin(OrganisationScopedAdmin, ReadOnlyAdmin):
    organisation_lookup = "innovation__organisation"
    superuser_list_filter = (
        "innovation__organisation__kind",
        ("meeting__committee__organisation", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("innovation__title", "agenda_item", "meeting__committee__name")
    list_select_related = ("innovation", "meeting__committee", "recorded_by")
    date_hierarchy = "recorded_at"


@admin.register(Decision)
class DecisionAdmin(EvidenceAdmin):
    list_display = (
        "innovation",
        "meeting",
        "agenda_item",
        "transition",
        "outcome",
        "votes_for",
        "votes_against",
        "recorded_at",
    )
    list_filter = ("outcome", "transition", "meeting__committee__is_council")
    search_fields = (*EvidenceAdmin.search_fields, "resolution")


@admin.register(FollowUp)
class FollowUpAdmin(EvidenceAdmin):
    list_display = (
        "innovation",
        "meeting",
        "agenda_item",
        "transition",
        "assessment",
        "recorded_at",
    )
    list_filter = ("assessment", "transition")
    search_fields = (*EvidenceAdmin.search_fields, "summary")


@admin.register(Correction)
class CorrectionAdmin(OrganisationScopedAdmin, ReadOnlyAdmin):
    organisation_lookup = (
        "decision__innovation__organisation",
        "follow_up__innovation__organisation",
    )
    list_display = ("__str__", "decision", "follow_up", "recorded_by", "recorded_at")
    list_select_related = (
        "decision__meeting__committee",
        "follow_up__meeting__committee",
        "recorded_by",
    )
    search_fields = ("reason",)
    date_hierarchy = "recorded_at"


@admin.register(TransitionLog)
class TransitionLogAdmin(OrganisationScopedAdmin, ReadOnlyAdmin):
    organisation_lookup = "innovation__organisation"
    superuser_list_filter = ("innovation__organisation__kind",)
    list_display = ("innovation", "transition", "source", "target", "actor", "at")
    list_filter = ("transition", "source", "target")
    list_select_related = ("innovation", "actor")
    search_fields = ("innovation__title",)
    date_hierarchy = "at"


# The innovation's page in the admin (innovations/admin.py, one floor down) shows its
# evidence and log first.
class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ("meeting", "agenda_item", "transition", "outcome", "recorded_at")
    ordering = ("meeting__date", "recorded_at")


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    fields = ("meeting", "agenda_item", "transition", "assessment", "recorded_at")
    ordering = ("meeting__date", "recorded_at")


class TransitionLogInline(ReadOnlyInline):
    model = TransitionLog
    fields = ("at", "transition", "source", "target", "actor", "decision", "follow_up")
    ordering = ("at", "id")


InnovationAdmin.inlines = (
    DecisionInline,
    FollowUpInline,
    TransitionLogInline,
    *InnovationAdmin.inlines,
)
