"""Reminder rules and policy in the admin, for administrators; checkpoints and the proof of
what was sent, to read. Changes go through ``reminders.services`` (which check the actor)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import SporError
from organisations.admin import OrganisationScopedAdmin, ReadOnlyAdmin

from . import services
from .models import Checkpoint, CheckpointRule, DigestRun, Reminder, ReminderPolicy


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(OrganisationScopedAdmin):
    list_display = (
        "organisation",
        "days_before",
        "on_due_day",
        "overdue_every_days",
        "escalate_after_days_overdue",
        "send_hour",
        "digest_time",
    )
    list_select_related = ("organisation",)
    search_fields = ("organisation__name",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # one per organisation, made by migration or on demand

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        services.update_policy(actor=request.user, organisation=obj.organisation, **fields)


@admin.register(CheckpointRule)
class CheckpointRuleAdmin(OrganisationScopedAdmin):
    list_display = (
        "organisation",
        "state",
        "kind",
        "due_after_days",
        "repeat_every_days",
        "responsible",
        "active",
    )
    list_filter = ("state", "kind", "active")
    list_select_related = ("organisation",)
    search_fields = ("organisation__name",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: checkpoints keep pointing at their rule

    def save_model(self, request, obj, form, change) -> None:
        fields = {
            name: form.cleaned_data[name]
            for name in services.RULE_FIELDS
            if name in form.cleaned_data and (not change or name in form.changed_data)
        }
        if change:
            services.update_rule(actor=request.user, rule=obj, **fields)
        else:
            created = services.create_rule(
                actor=request.user, organisation=form.cleaned_data["organisation"], **fields
            )
            obj.pk = created.pk


@admin.register(Checkpoint)
class CheckpointAdmin(OrganisationScopedAdmin, ReadOnlyAdmin):
    organisation_lookup = "innovation__organisation"
    list_display = ("innovation", "kind", "due_date", "committee", "status", "source")
    list_filter = ("status", "kind", "source")
    list_select_related = ("innovation", "committee")
    search_fields = ("innovation__title", "title")
    date_hierarchy = "due_date"
    actions = ("waive",)

    @admin.action(description=gettext_lazy("Waive the selected checkpoints (with a reason)"))
    def waive(self, request, queryset):
        """An administrator waives checkpoints through ``waive_checkpoint``, saying why."""
        reason = (request.POST.get("reason") or "").strip()
        if "apply" in request.POST and reason:
            waived = 0
            for checkpoint in queryset.open():
                try:
                    services.waive_checkpoint(
                        actor=request.user, checkpoint=checkpoint, reason=reason
                    )
                    waived += 1
                except SporError as error:
                    self.message_user(request, f"{checkpoint}: {error.message}", messages.ERROR)
            if waived:
                self.message_user(
                    request, _("%(n)s checkpoints were waived.") % {"n": waived}, messages.SUCCESS
                )
            return None
        return TemplateResponse(
            request,
            "admin/reminders/checkpoint/waive.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Waive checkpoints"),
                "checkpoints": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
                "missing_reason": "apply" in request.POST,
            },
        )


@admin.register(Reminder)
class ReminderAdmin(OrganisationScopedAdmin, ReadOnlyAdmin):
    organisation_lookup = "checkpoint__innovation__organisation"
    list_display = (
        "checkpoint",
        "recipient",
        "stage",
        "scheduled_for",
        "notified_at",
        "email_status",
        "email_sent_at",
        "attempts",
    )
    list_filter = ("email_status", "escalation")
    list_select_related = ("checkpoint__innovation", "recipient")
    search_fields = ("checkpoint__innovation__title", "recipient__username", "stage")
    date_hierarchy = "scheduled_for"


@admin.register(DigestRun)
class DigestRunAdmin(OrganisationScopedAdmin, ReadOnlyAdmin):
    organisation_lookup = "person__organisation"
    list_display = ("person", "date", "email_status", "sent_at")
    list_filter = ("email_status",)
    list_select_related = ("person",)
