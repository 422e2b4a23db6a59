"""Forms of what politicians do: member proposals, requests to examine reuse, the
administration's examination and the committee report's period.

Built from the models' fields; they parse only, the services decide what is allowed.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from innovations.models import Innovation
from politics import selectors
from politics.models import MemberProposal, ReuseRequest

from .forms import DateInput


def _committee_field(user) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Committee"),
        queryset=selectors.my_committees(user),
        help_text=_("A committee you sit on."),
    )


class MemberProposalForm(forms.Form):
    title = Innovation._meta.get_field("title").formfield()
    need = Innovation._meta.get_field("need").formfield(
        help_text=_("The problem or need as citizens, staff or you meet it.")
    )
    proposal = MemberProposal._meta.get_field("proposal").formfield(
        help_text=_(
            "What you ask the committee to decide, e.g. to ask the administration to explore "
            "solutions. Say what the solution must serve, not what it must be."
        )
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"committee": _committee_field(user), **self.fields}


class ReuseRequestForm(forms.Form):
    reason = ReuseRequest._meta.get_field("reason").formfield(
        help_text=_("Why it could serve your municipality or region.")
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"committee": _committee_field(user), **self.fields}


class ExaminationForm(forms.Form):
    examination = ReuseRequest._meta.get_field("examination").formfield(
        required=True,
        help_text=_(
            "What the administration found: fit, cost, who to involve; the committee decides."
        ),
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReportPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    months = forms.IntegerField(
        label=_("No political follow-up for more than (months)"),
        required=False,
        min_value=1,
        max_value=60,
    )
