"""Webhooks in the admin: to look at, scoped to the organisation. They are registered,
changed and replayed through the API (``/api/v1/webhooks/``), whose services check who acts."""

from __future__ import annotations

from django.contrib import admin

from organisations.admin import OrganisationScopedAdmin, ReadOnlyAdmin

from .models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(OrganisationScopedAdmin, ReadOnlyAdmin):
    list_display = ("url", "organisation", "events", "active", "created_at")
    list_filter = ("active",)
    list_select_related = ("organisation",)
    exclude = ("secret",)  # shown once, to the administrator who registered it
    search_fields = ("url", "description")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(OrganisationScopedAdmin, ReadOnlyAdmin):
    organisation_lookup = "endpoint__organisation"
    list_display = (
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "response_code",
        "created_at",
        "delivered_at",
    )
    list_filter = ("status", "event_type")
    list_select_related = ("endpoint",)
    search_fields = ("event_id", "endpoint__url")
    date_hierarchy = "created_at"
