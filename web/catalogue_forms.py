"""Forms of the catalogue, sharing, reuse, documentation and barometer pages.

They parse and type-check only; the services decide what is allowed and valid.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from innovations.documents import ALLOWED_EXTENSIONS, max_bytes
from innovations.models import (
    DocumentKind,
    InnovationType,
    State,
    StatusAssessment,
    Value,
)
from organisations.models import Committee, Organisation, OrganisationKind

from .forms import DateInput

BLANK = [("", _("All"))]


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    innovation_type = forms.ChoiceField(
        label=_("Innovation type"), required=False, choices=BLANK + InnovationType.choices
    )
    value = forms.ChoiceField(label=_("Value"), required=False, choices=BLANK + Value.choices)
    phase = forms.ChoiceField(label=_("Phase"), required=False, choices=BLANK + State.choices)
    region = forms.ChoiceField(label=_("Region"), required=False)
    evaluated = forms.ChoiceField(
        label=_("Evaluated"),
        required=False,
        choices=[*BLANK, ("true", _("Evaluated")), ("false", _("Not evaluated"))],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        regions = Organisation.objects.filter(kind=OrganisationKind.REGION).order_by("name")
        self.fields["region"].choices = BLANK + [(r.code, r.name) for r in regions]


class ReuseForm(forms.Form):
    committee = forms.ModelChoiceField(
        label=_("Your responsible committee"),
        queryset=Committee.objects.none(),
        required=False,
        empty_label=_("The council, for now"),
    )
    named = forms.BooleanField(
        label=_("Our organisation may be named on the catalogue entry as reusing it"),
        required=False,
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(
            organisation_id=user.organisation_id
        ).order_by("-is_council", "name")


class ShareForm(forms.Form):
    contact_role = forms.CharField(
        label=_("Contact (a role, not a person's name)"),
        max_length=200,
        help_text=_("E.g. “Innovation consultant, Health and Care”. Others will contact it."),
    )
    contact_email = forms.EmailField(
        label=_("The organisation's contact e-mail"),
        required=False,
        max_length=254,
        help_text=_(
            "A shared address of the unit or role, such as innovation@kk.dk, "
            "not a person's own. Shown on the catalogue entry."
        ),
    )
    shared_summary = forms.CharField(
        label=_("Summary of results and learning for others"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Shown in the catalogue with the title, need, value direction and solution. "
            "The evaluation's own texts are not shared."
        ),
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"), required=False)
    link = forms.CharField(
        label=_("Or a link to the case system"),
        required=False,
        max_length=1000,
        widget=forms.URLInput(),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kinds = ", ".join(sorted(e for e in ALLOWED_EXTENSIONS if e != "jpeg"))
        self.fields["file"].help_text = _("%(kinds)s; at most %(size)s MB.") % {
            "kinds": kinds,
            "size": max_bytes() // (1024 * 1024),
        }
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{e}" for e in ALLOWED_EXTENSIONS)


class StatusReportForm(forms.Form):
    assessment = forms.ChoiceField(
        label=_("Assessment"), choices=StatusAssessment.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(label=_("Status"), widget=forms.Textarea(attrs={"rows": 5}))
    next_steps = forms.CharField(
        label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class BarometerForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and start > end:
            self.add_error("end", _("The period must end on or after its first day."))
        return data
