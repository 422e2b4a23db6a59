"""The admin shows innovations and their evidence; it never changes them.

An innovation's phase moves only through ``decisions.services`` and its description through
``innovations.services`` (the web UI and the API call them); those services act for a
person of the organisation, so the admin offers no way around them: every page here is
read-only, for superusers and for an organisation's administrators alike.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.utils.translation import gettext_lazy as _

from organisations.admin import (
    OrganisationScopedAdmin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    is_scoped,
    organisation_q,
)

from .models import Document, Evaluation, Innovation, Reuse, SharingEvent, StatusReport


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
    # decisions/admin.py puts the decisions, follow-ups and the log (one floor up) before these.
    inlines: tuple = (EvaluationInline,)
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


def _viewer_flag(request, condition: Q) -> ExpressionWrapper | Value:
    """True for a superuser, else whether the row meets ``condition`` for the viewer."""
    if not is_scoped(request):
        return Value(True)
    return ExpressionWrapper(condition, output_field=BooleanField())


@admin.register(Reuse)
class ReuseAdmin(OrganisationScopedAdmin, ReadOnlyAdmin):
    """Both organisations see a registration, each only what the catalogue would tell it.

    The reusing organisation sees its own registration with the snapshot of what it reused
    (never the origin's live, perhaps since unshared, row). The origin's administrators see
    a registration only when the reuser agreed to be named, and then only the organisation:
    not the reusing innovation, nor who registered it.
    """

    list_display = ("reusing_innovation", "organisation", "reused", "named", "registered_at")
    fields = (
        "reusing_innovation",
        "organisation",
        "reused",
        "named",
        "registered_by_shown",
        "registered_at",
    )
    readonly_fields = ("reusing_innovation", "reused", "registered_by_shown")
    list_filter = ("named",)
    list_select_related = ("innovation", "organisation", "origin", "registered_by")

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        own = request.user.organisation_id
        if is_scoped(request):
            queryset = queryset.filter(
                organisation_q("organisation", own)
                | (organisation_q("origin__organisation", own) & Q(named=True))
            )
        return queryset.annotate(viewer_is_reuser=_viewer_flag(request, Q(organisation_id=own)))

    @admin.display(description=_("the reusing innovation"))
    def reusing_innovation(self, obj: Reuse) -> str:
        return str(obj.innovation) if obj.viewer_is_reuser else "—"

    @admin.display(description=_("reused innovation"))
    def reused(self, obj: Reuse) -> str:
        if obj.viewer_is_reuser and obj.snapshot:
            return obj.snapshot.get("title", "")
        return str(obj.origin)

    @admin.display(description=_("registered by"))
    def registered_by_shown(self, obj: Reuse) -> str:
        return str(obj.registered_by or "") if obj.viewer_is_reuser else "—"


@admin.register(SharingEvent)
class SharingEventAdmin(InnovationChildAdmin):
    # A reuse is logged on the origin's innovation with the reusing person as actor: the
    # origin's administrators do not see who that was.
    list_display = ("innovation", "action", "actor_shown", "at")
    fields = ("innovation", "action", "actor_shown", "at")
    readonly_fields = ("actor_shown",)
    list_filter = ("action",)
    list_select_related = ("innovation", "actor")

    def get_queryset(self, request):
        own = request.user.organisation_id
        return (
            super()
            .get_queryset(request)
            .annotate(actor_is_own=_viewer_flag(request, Q(actor__organisation_id=own)))
        )

    @admin.display(description=_("actor"))
    def actor_shown(self, obj: SharingEvent) -> str:
        if obj.actor_is_own:
            return str(obj.actor or "")
        return _("Another organisation")
