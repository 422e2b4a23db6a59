"""API tokens in the admin (to look at and revoke, scoped to the organisation), and the
"unlock sign-in" action on people. Both call ``access.services``, which check who acts."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import SporError
from organisations.admin import OrganisationScopedAdmin, ReadOnlyAdmin, UserAdmin

from . import services
from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(OrganisationScopedAdmin, ReadOnlyAdmin):
    list_display = ("name", "owner", "organisation", "prefix", "expires_at", "revoked_at")
    list_filter = ("revoked_because",)
    list_select_related = ("owner", "organisation")
    search_fields = ("name", "prefix", "owner__username")
    exclude = ("key_hash",)
    actions = ["revoke"]

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                services.revoke_token(actor=request.user, token=token)
                revoked += 1
            except SporError as error:
                self.message_user(request, error.message, messages.ERROR)
        self.message_user(request, _("%(count)s tokens revoked.") % {"count": revoked})

    # Superusers and organisation administrators (their organisation's tokens only, by the
    # scoped queryset); no model permission is needed for what the service allows anyway.
    def has_view_permission(self, request, obj=None) -> bool:
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or user.is_administrator)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)


@admin.action(description=gettext_lazy("Unlock sign-in after failed attempts"))
def unlock_sign_in(modeladmin, request, queryset) -> None:
    forgotten = 0
    for person in queryset:
        try:
            forgotten += services.unlock_sign_in(actor=request.user, person=person)
        except SporError as error:
            modeladmin.message_user(request, error.message, messages.ERROR)
    modeladmin.message_user(
        request,
        _("Sign-in unlocked; %(count)s failed attempts forgotten.") % {"count": forgotten},
    )


# The people admin lives in organisations (a lower floor); the action is added from here.
UserAdmin.actions = [*(UserAdmin.actions or []), unlock_sign_in]
