from django.contrib import admin

from .models import Briefing, MemberProposal, ReuseRequest


class ReadOnly(admin.ModelAdmin):
    """Rows change only through ``politics.services``."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MemberProposal)
class MemberProposalAdmin(ReadOnly):
    list_display = ("innovation", "committee", "proposed_by", "proposed_at")


@admin.register(ReuseRequest)
class ReuseRequestAdmin(ReadOnly):
    list_display = ("origin", "organisation", "committee", "status", "requested_at")
    list_filter = ("status",)


@admin.register(Briefing)
class BriefingAdmin(ReadOnly):
    list_display = ("person", "committee", "term_start", "created_at")
