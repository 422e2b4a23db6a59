"""The admin shows innovations and their evidence; it never changes them.

An innovation's phase moves only through ``decisions.services`` and its description through
``innovations.services`` (the web UI and the API call them); those services act for a
person of the organisation, so the admin offers no way around them: every page here is
read-only, for superusers and for an organisation's administrators alike.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from decisions.models import Decision, FollowUp, TransitionLog
from organisations.admin import OrganisationScopedAdmin, ReadOnlyAdmin, ReadOnlyInline

from .models import Document, Evaluation, Innovation, Reuse, SharingEvent, StatusReport


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


class EvaluationInline(ReadOnlyInline):
    model = Evaluation
    fields = ("submitted_at", "method", "spreading", "submitted_by")


@admin.register(Innovation)
class InnovationAdmin(OrganisationScopedAdmin, ReadOnlyAdmin):
    list_display = ("title", "state", "committee", "organisation", "owner", "shared", "updated_at")
    list_filter = ("state", "shared", "committee__is_council")
    superuser_list_filter = (
        "organisation__kind",
        ("organisation", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("title", "need", "kle_code", "committee__name")
    list_select_related = ("committee", "organisation", "owner")
    date_hierarchy = "created_at"
    inlines = (DecisionInline, FollowUpInline, TransitionLogInline, EvaluationInline)
    fieldsets = (
        (None, {"fields": ("title", "organisation", "committee", "owner", "state")}),
        (
            _("Need and mandate"),
            {"fields": ("need", "value_direction", "solution", "paused_from")},
        ),
        (_("Frame"), {"fields": ("frame_budget", "frame_deadline", "frame_scope")}),
        (
            _("Barometer"),
            {"fields": ("collaborators", "innovation_types", "intended_values", "kle_code")},
        ),
        (
            _("Sharing and reuse"),
            {"fields": ("shared", "shared_at", "contact_role", "shared_summary", "reused_from")},
        ),
        (_("Stopped"), {"fields": ("stop_reason", "stop_learning")}),
        (
            _("Record"),
            {"fields": ("created_by", "created_at", "updated_at", "state_entered_at")},
        ),
    )


class InnovationChildAdmin(OrganisationScopedAdmin, ReadOnlyAdmin):
    organisation_lookup = "innovation__organisation"
    superuser_list_filter = ("innovation__organisation__kind",)
    search_fields = ("innovation__title",)


@admin.register(Evaluation)
class EvaluationAdmin(InnovationChildAdmin):
    list_display = ("innovation", "method", "spreading", "submitted_by", "submitted_at")
    list_filter = ("method", "spreading")
    list_select_related = ("innovation", "submitted_by")
    date_hierarchy = "submitted_at"


@admin.register(StatusReport)
class StatusReportAdmin(InnovationChildAdmin):
    list_display = ("innovation", "assessment", "submitted_by", "submitted_at")
    list_filter = ("assessment",)
    list_select_related = ("innovation", "submitted_by")
    date_hierarchy = "submitted_at"


@admin.register(Document)
class DocumentAdmin(InnovationChildAdmin):
    list_display = ("title", "innovation", "kind", "uploaded_by", "uploaded_at")
    list_filter = ("kind",)
    list_select_related = ("innovation", "uploaded_by")
    search_fields = ("title", "innovation__title")


@admin.register(Reuse)
class ReuseAdmin(OrganisationScopedAdmin, ReadOnlyAdmin):
    # Both organisations see the registration: the origin's and the reusing one's.
    organisation_lookup = ("organisation", "origin__organisation")
    list_display = ("innovation", "organisation", "origin", "named", "registered_at")
    list_filter = ("named",)
    list_select_related = ("innovation", "organisation", "origin")


@admin.register(SharingEvent)
class SharingEventAdmin(InnovationChildAdmin):
    list_display = ("innovation", "action", "actor", "at")
    list_filter = ("action",)
    list_select_related = ("innovation", "actor")
