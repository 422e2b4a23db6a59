"""The Django admin for administrators' configuration: organisations, committees, meetings, people.

Staff who are not superusers (an organisation's administrators) see and choose only their own
organisation's rows. ``OrganisationScopedAdmin`` and ``ReadOnlyAdmin`` are shared with the
other apps' admin modules.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.db.models import Q, QuerySet
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from audit import services as audit
from audit.models import AuditEvent
from core.errors import SporError, ValidationFailed

from .models import AccessibilityStatement, Committee, Meeting, Membership, Organisation, User


def error_details(error: SporError) -> list[str]:
    if isinstance(error, ValidationFailed):
        return [f"{field}: {' '.join(map(str, texts))}" for field, texts in error.errors.items()]
    return [str(reason) for reason in error.reasons]


SCOPED_CHOICES = {
    # For a foreign key to one of these models, the lookup from it to its organisation.
    Organisation: "pk",
    Committee: "organisation",
    Meeting: "committee__organisation",
    User: "organisation",
}


def is_scoped(request) -> bool:
    return not request.user.is_superuser


def organisation_q(lookups: str | tuple[str, ...], organisation_id: int | None) -> Q:
    """Rows whose organisation (along any of the lookups) is ``organisation_id``."""
    if organisation_id is None:
        return Q(pk__in=[])
    condition = Q()
    for lookup in (lookups,) if isinstance(lookups, str) else lookups:
        condition |= Q(**{lookup: organisation_id})
    return condition


class OrganisationChoicesMixin:
    """Foreign-key choices limited to the organisation of a non-superuser."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        lookup = SCOPED_CHOICES.get(db_field.related_model)
        if lookup and is_scoped(request):
            kwargs["queryset"] = db_field.related_model._default_manager.filter(
                organisation_q(lookup, request.user.organisation_id)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AuditedAdminMixin:
    """Every save and delete in the admin, inline rows too, writes its audit event."""

    def save_model(self, request, obj, form, change: bool) -> None:
        parent = super()
        audit.save_audited(
            actor=request.user,
            instance=obj,
            save=lambda: parent.save_model(request, obj, form, change),
        )

    def delete_model(self, request, obj) -> None:
        parent = super()
        audit.delete_audited(
            actor=request.user, instance=obj, delete=lambda: parent.delete_model(request, obj)
        )

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit.delete_audited(actor=request.user, instance=obj, delete=obj.delete)
        for instance in instances:
            audit.save_audited(actor=request.user, instance=instance, save=instance.save)
        formset.save_m2m()


class OrganisationScopedAdmin(AuditedAdminMixin, OrganisationChoicesMixin, admin.ModelAdmin):
    """A model admin that shows a non-superuser only their own organisation's rows.

    ``organisation_lookup`` is the path from the model to its organisation (several are
    OR-ed); ``superuser_list_filter`` is added to ``list_filter`` for superusers only.
    """

    organisation_lookup: str | tuple[str, ...] = "organisation"
    superuser_list_filter: tuple = ()

    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request)
        if not is_scoped(request):
            return queryset
        return queryset.filter(
            organisation_q(self.organisation_lookup, request.user.organisation_id)
        )

    def get_list_filter(self, request):
        filters = tuple(super().get_list_filter(request))
        return filters + tuple(self.superuser_list_filter) if not is_scoped(request) else filters

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Saves go through the services, which may refuse (a staff member who is not an
        # administrator, a value out of range): show their words instead of a server error.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except SporError as error:
            self.message_user(
                request, " ".join([error.message, *error_details(error)]), messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that only the services write: viewable, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    """The 98 municipalities and 5 regions come from the official list, by migration."""

    organisation_lookup = "pk"
    list_display = ("name", "code", "kind", "region", "cvr")
    list_filter = ("kind",)
    search_fields = ("name", "code", "cvr")
    list_select_related = ("region",)
    ordering = ("name",)

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        # An administrator fills in their own organisation's CVR number (single sign-on).
        if request.user.is_superuser:
            return True
        return (
            request.user.is_administrator
            and (obj is None or obj.pk == request.user.organisation_id)
            and super().has_change_permission(request, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("code", "kind", "name", "region")

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


class MembershipInline(OrganisationChoicesMixin, admin.TabularInline):
    model = Membership
    extra = 1
    fields = ("person", "role", "valid_from", "valid_to")
    autocomplete_fields = ("person",)
    ordering = ("-valid_from", "role", "person__last_name")


class PersonMembershipInline(OrganisationChoicesMixin, admin.TabularInline):
    model = Membership
    fk_name = "person"
    extra = 0
    fields = ("committee", "role", "valid_from", "valid_to")
    ordering = ("-valid_from", "committee__name")
    verbose_name_plural = _("committee memberships")


@admin.register(Committee)
class CommitteeAdmin(OrganisationScopedAdmin):
    list_display = ("name", "organisation", "is_council")
    list_filter = ("is_council",)
    superuser_list_filter = ("organisation__kind",)
    search_fields = ("name", "organisation__name")
    list_select_related = ("organisation",)
    inlines = (MembershipInline,)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if is_scoped(request):
            initial.setdefault("organisation", request.user.organisation_id)
        return initial


@admin.register(Meeting)
class MeetingAdmin(OrganisationScopedAdmin):
    organisation_lookup = "committee__organisation"
    list_display = ("committee", "date", "organisation", "minutes_url")
    list_filter = ("committee__is_council",)
    superuser_list_filter = ("committee__organisation__kind",)
    search_fields = ("committee__name", "committee__organisation__name")
    date_hierarchy = "date"
    list_select_related = ("committee__organisation",)

    @admin.display(description=_("organisation"), ordering="committee__organisation__name")
    def organisation(self, meeting: Meeting) -> Organisation:
        return meeting.committee.organisation

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.carries_evidence():
            # evidence is recorded at it: committee and date are frozen (Meeting.clean)
            fields += Meeting.FROZEN_FIELDS
        return fields


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User


class UserChangeForm(DjangoUserChangeForm):
    class Meta(DjangoUserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, OrganisationChoicesMixin, DjangoUserAdmin):
    """People, with their organisation and role; administrators manage their own people."""

    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Spor"),
            {
                "fields": (
                    "organisation",
                    "role",
                    "title",
                    "language",
                    "reminder_delivery",
                    "calendar_token",
                )
            },
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Spor"), {"fields": ("organisation", "role", "title", "email")}),
    )
    list_display = ("username", "full_name", "organisation", "role", "is_staff", "is_active")
    list_filter = ("role", "is_staff", "is_active")
    list_select_related = ("organisation",)
    search_fields = ("username", "first_name", "last_name", "email", "title")
    readonly_fields = ("calendar_token", "last_login", "date_joined")
    inlines = (PersonMembershipInline,)

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, user: User) -> str:
        return user.get_full_name()

    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request)
        if not is_scoped(request):
            return queryset
        # Nobody but a superuser sees or edits a superuser.
        return queryset.filter(
            organisation_q("organisation", request.user.organisation_id), is_superuser=False
        )

    def get_list_filter(self, request):
        filters = tuple(super().get_list_filter(request))
        return (
            (*filters, "is_superuser", "organisation__kind") if not is_scoped(request) else filters
        )

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if is_scoped(request):
            # An organisation's administrator cannot hand out powers they do not hold.
            fields += ("is_superuser", "groups", "user_permissions")
        return fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def save_model(self, request, obj: User, form, change: bool) -> None:
        if is_scoped(request):
            obj.organisation_id = request.user.organisation_id
        super().save_model(request, obj, form, change)


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(OrganisationScopedAdmin):
    """The accessibility statement: superusers edit the site-wide one (no organisation), an
    organisation's administrators their own organisation's."""

    list_display = ("__str__", "standard", "conformance", "updated_at")
    fields = (
        "organisation",
        "standard",
        "conformance",
        "known_exceptions",
        "contact_email",
        "contact_text",
        "prepared_on",
    )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if is_scoped(request):
            initial.setdefault("organisation", request.user.organisation_id)
        return initial

    def save_model(self, request, obj, form, change) -> None:
        if is_scoped(request):
            # Only the operator speaks for the whole site.
            obj.organisation_id = request.user.organisation_id
        super().save_model(request, obj, form, change)


# Audit events (audit/, one floor down) in the admin: to read, never to change (the services
# write them). Registered here, beside the admin bases they share with every app.
@admin.register(AuditEvent)
class AuditEventAdmin(OrganisationScopedAdmin, ReadOnlyAdmin):
    list_display = ("at", "actor", "content_type", "object_repr", "action")
    list_filter = ("action", "content_type")
    superuser_list_filter = ("organisation__kind",)
    search_fields = ("object_repr", "actor__username", "actor__last_name")
    list_select_related = ("actor", "content_type")
    date_hierarchy = "at"
