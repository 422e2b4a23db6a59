"""Audit events in the admin: to read, never to change (the services write them)."""

from __future__ import annotations

from django.contrib import admin

from organisations.admin import OrganisationScopedAdmin, ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(OrganisationScopedAdmin, ReadOnlyAdmin):
    list_display = ("at", "actor", "content_type", "object_repr", "action")
    list_filter = ("action", "content_type")
    superuser_list_filter = ("organisation__kind",)
    search_fields = ("object_repr", "actor__username", "actor__last_name")
    list_select_related = ("actor", "content_type")
    date_hierarchy = "at"
