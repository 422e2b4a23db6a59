"""The innovation filters, one FilterSet for the API's ``/innovations/`` and the web's list.

It sits here, under ``api`` and ``web``, because "overdue" reads the checkpoints
(``reminders``). A filter whose value does not validate makes the form invalid; the API
answers 400 and the web page shows the form with the error, never every row.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from innovations.models import Innovation, State
from reminders import schedule
from reminders.models import Checkpoint, CheckpointQuerySet

MAX_ID = 2**63 - 1
MAX_TEXT = 100


def id_filter(field_name: str, **kwargs) -> django_filters.NumberFilter:
    # Bounded, so an id beyond bigint is refused and never reaches the database.
    return django_filters.NumberFilter(
        field_name=field_name, min_value=1, max_value=MAX_ID, decimal_places=0, **kwargs
    )


def overdue_checkpoints() -> CheckpointQuerySet:
    """The checkpoints overdue today in Copenhagen."""
    return Checkpoint.objects.open().overdue(on=schedule.local_date(timezone.now()))


# An empty filter value is refused by the API (say one value, or leave the filter out): the
# schema says so, so that a client (and the fuzzer) knows.
@extend_schema_field({"type": "string", "minLength": 1, "maxLength": MAX_TEXT})
class CaseNumberFilter(django_filters.CharFilter):
    pass


@extend_schema_field(
    {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_TEXT,
        "description": "Text in the title, the need or the case number, any case: all of it, "
        "as one piece (unlike search, which splits it into words)",
    }
)
class TextSearchFilter(django_filters.CharFilter):
    pass


class YesNoField(forms.NullBooleanField):
    """``true`` or ``false``, nothing else: ``overdue=bogus`` is an error, not "no filter"."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError(_("Give true or false."), code="invalid")

    def validate(self, value) -> None:
        pass


class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField


class InnovationFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=State.choices)
    committee = id_filter("committee_id")
    organisation = id_filter("organisation_id")
    owner = id_filter("owner_id")
    shared = YesNoFilter()
    case_number = CaseNumberFilter(label="Case number (sagsnummer), exactly", max_length=MAX_TEXT)
    overdue = YesNoFilter(
        method="filter_overdue", label="With an overdue checkpoint (true) or none (false)"
    )
    q = TextSearchFilter(method="filter_q", max_length=MAX_TEXT)

    class Meta:
        model = Innovation
        fields = [
            "state",
            "committee",
            "organisation",
            "owner",
            "shared",
            "case_number",
            "overdue",
            "q",
        ]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Exists(overdue_checkpoints().filter(innovation=OuterRef("pk")))
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_q(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(need__icontains=value) | Q(case_number__icontains=value)
        )
