"""Query-string filters of the list endpoints."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from notifications.models import Notification
from rest_framework.filters import OrderingFilter, SearchFilter

from core.errors import ValidationFailed
from decisions.models import (
    Assessment,
    Correction,
    Decision,
    FollowUp,
    Outcome,
)
from innovations.workflow import transition_choices
from organisations.models import Committee, Meeting, Organisation, OrganisationKind
from portfolio.filters import CaseNumberFilter, id_filter, overdue_checkpoints
from reminders.models import Checkpoint, CheckpointKind, CheckpointStatus
from webhooks.models import DeliveryStatus, Event, WebhookDelivery


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, read strictly: a filter given twice, given empty, or a yes/no filter
    given anything but ``true``/``false`` is a 400 naming it, never silently ignored."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            errors: dict[str, list[str]] = {}
            for name, declared in filterset_class.base_filters.items():
                values = request.query_params.getlist(name)
                if not values:
                    continue
                multiple = isinstance(declared, django_filters.MultipleChoiceFilter)
                if (len(values) > 1 and not multiple) or any(v == "" for v in values):
                    errors[name] = [_("Give one value, or leave the filter out.")]
                elif isinstance(declared, django_filters.BooleanFilter) and values[0] not in (
                    "true",
                    "false",
                ):
                    errors[name] = [_("Give true or false.")]
            if errors:
                raise ValidationFailed(errors)
        return super().filter_queryset(request, queryset, view)


class SafeSearchFilter(SearchFilter):
    """PostgreSQL refuses NUL in text; such a search simply finds nothing else."""

    def get_search_terms(self, request):
        return [term.replace("\x00", "") for term in super().get_search_terms(request)]


class SafeOrderingFilter(OrderingFilter):
    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if ordering and "id" not in ordering and "-id" not in ordering:
            ordering = [*ordering, "-id"]  # a stable order, so pages do not overlap
        return ordering


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)
    region = id_filter("region_id")

    class Meta:
        model = Organisation
        fields = ["kind", "region"]


class CommitteeFilter(django_filters.FilterSet):
    is_council = django_filters.BooleanFilter()

    class Meta:
        model = Committee
        fields = ["is_council"]


class MeetingFilter(django_filters.FilterSet):
    committee = id_filter("committee_id")
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = ["committee", "date_after", "date_before"]


class DecisionFilter(django_filters.FilterSet):
    innovation = id_filter("innovation_id")
    meeting = id_filter("meeting_id")
    committee = id_filter("meeting__committee_id")
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
    transition = django_filters.ChoiceFilter(choices=transition_choices)
    case_number = CaseNumberFilter(label="Case number (sagsnummer), exactly", max_length=100)

    class Meta:
        model = Decision
        fields = ["innovation", "meeting", "committee", "outcome", "transition", "case_number"]


class FollowUpFilter(django_filters.FilterSet):
    innovation = id_filter("innovation_id")
    meeting = id_filter("meeting_id")
    committee = id_filter("meeting__committee_id")
    assessment = django_filters.ChoiceFilter(choices=Assessment.choices)
    case_number = CaseNumberFilter(label="Case number (sagsnummer), exactly", max_length=100)

    class Meta:
        model = FollowUp
        fields = ["innovation", "meeting", "committee", "assessment", "case_number"]


class CorrectionFilter(django_filters.FilterSet):
    decision = id_filter("decision_id")
    follow_up = id_filter("follow_up_id")

    class Meta:
        model = Correction
        fields = ["decision", "follow_up"]


class DeliveryFilter(django_filters.FilterSet):
    endpoint = id_filter("endpoint_id")
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    event_type = django_filters.ChoiceFilter(choices=Event.choices)

    class Meta:
        model = WebhookDelivery
        fields = ["endpoint", "status", "event_type"]


class CheckpointFilter(django_filters.FilterSet):
    mine = django_filters.BooleanFilter(
        method="filter_mine",
        label="Yours: you are the responsible person, or you sit on the responsible committee",
    )
    status = django_filters.ChoiceFilter(choices=CheckpointStatus.choices)
    kind = django_filters.ChoiceFilter(choices=CheckpointKind.choices)
    innovation = id_filter("innovation_id")
    committee = id_filter("committee_id")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lt")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Open and past due")

    class Meta:
        model = Checkpoint
        fields = ["mine", "status", "kind", "innovation", "committee", "due_before", "overdue"]

    def filter_mine(self, queryset, name, value):
        return queryset  # applied by the view's selector, which knows what "yours" means

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(pk__in=overdue_checkpoints().values("pk"))
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter()

    class Meta:
        model = Notification
        fields = ["unread"]
