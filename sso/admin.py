"""Administrators map their identity provider's roles to Spor's, switch passwords off, and see
who has signed in through single sign-on; operators (superusers) add mappings for every
organisation."""

from __future__ import annotations

from django.contrib import admin
from django.db import IntegrityError
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from organisations.admin import OrganisationScopedAdmin, ReadOnlyAdmin, is_scoped

from .models import ExternalIdentity, RoleMapping, SignInPolicy


@admin.register(RoleMapping)
class RoleMappingAdmin(OrganisationScopedAdmin):
    list_display = ("idp_value", "role", "organisation")
    list_filter = ("role",)
    search_fields = ("idp_value",)
    superuser_list_filter = ("organisation",)
    fields = ("organisation", "idp_value", "role")

    def get_fields(self, request, obj=None):
        # An administrator's mappings are their own organisation's, never everyone's.
        return ("idp_value", "role") if is_scoped(request) else self.fields

    def save_model(self, request, obj, form, change: bool) -> None:
        if is_scoped(request):
            obj.organisation_id = request.user.organisation_id
        try:
            super().save_model(request, obj, form, change)
        except IntegrityError as exc:
            raise ValidationFailed(
                {"idp_value": [_("This value is already mapped to a role.")]}
            ) from exc


@admin.register(SignInPolicy)
class SignInPolicyAdmin(OrganisationScopedAdmin):
    list_display = ("organisation", "local_passwords")
    fields = ("organisation", "local_passwords")

    def get_fields(self, request, obj=None):
        return ("local_passwords",) if is_scoped(request) else self.fields

    def save_model(self, request, obj, form, change: bool) -> None:
        if is_scoped(request):
            obj.organisation_id = request.user.organisation_id
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request) -> bool:
        if (
            is_scoped(request)
            and SignInPolicy.objects.filter(organisation_id=request.user.organisation_id).exists()
        ):
            return False
        return super().has_add_permission(request)


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(ReadOnlyAdmin):
    list_display = ("person", "protocol", "issuer", "last_sign_in_at")
    list_filter = ("protocol",)
    search_fields = ("person__username", "person__first_name", "person__last_name", "subject")
    list_select_related = ("person",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_scoped(request):
            return queryset.filter(person__organisation_id=request.user.organisation_id)
        return queryset
