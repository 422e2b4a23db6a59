"""Forms around the mandate card: built from the models' fields; the services decide.

The mandate form guides the conversation between politicians and the administration: each
part of the card comes with a short question (``QUESTIONS``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from decisions.mandate import (
    Fidelity,
    InvolvedGroup,
    InvolvementActivity,
    MandateCard,
    MandateIndicator,
    Verdict,
)
from decisions.models import Assessment, Decision, Outcome
from innovations.models import Innovation

from .fields import AmountField
from .forms import FOLLOW_UP_TRANSITIONS, DateInput, EvaluationForm

# The questions that open each part of the mandate form, in the committee's own words.
QUESTIONS = {
    "value_direction": _(
        "What must the new solution serve – for whom, and why does it matter to you?"
    ),
    "frame": _(
        "What may the administration use: how much money, until when, and where does the work stop?"
    ),
    "solution_space": _(
        "What do you deliberately not decide, so that the administration can find the solution "
        "with others?"
    ),
    "indicators": _(
        "How will you see that it works? Name what you will look at, where it stands today and "
        "where you want it to be."
    ),
    "involve": _("Whose knowledge is needed? Tick the groups the administration must involve."),
    "follow_up_months": _("How often do you want to hear how it is going?"),
    "stop_criteria": _("What would make you stop the work?"),
}


class MandateCardForm(forms.ModelForm):
    budget = AmountField(
        label=_("Budget (DKK)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("For example 1.250.000,50."),
    )
    involve = forms.MultipleChoiceField(
        label=_("Whom to involve"),
        choices=InvolvedGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = MandateCard
        fields = [
            "value_direction",
            "budget",
            "deadline",
            "scope",
            "solution_space",
            "involve",
            "follow_up_months",
            "stop_criteria",
        ]
        widgets = {
            "value_direction": forms.Textarea(attrs={"rows": 3}),
            "deadline": DateInput(),
            "scope": forms.Textarea(attrs={"rows": 2}),
            "solution_space": forms.Textarea(attrs={"rows": 2}),
            "stop_criteria": forms.Textarea(attrs={"rows": 2}),
        }

    def validate_unique(self) -> None:
        """The service numbers the versions; nothing to check here."""

    def card_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class IndicatorForm(forms.ModelForm):
    baseline = AmountField(label=_("Baseline"), max_digits=16, decimal_places=4)
    target = AmountField(label=_("Target"), max_digits=16, decimal_places=4)

    class Meta:
        model = MandateIndicator
        fields = ["name", "unit", "baseline", "baseline_date", "target", "measurement"]
        widgets = {
            "baseline_date": DateInput(),
            "measurement": forms.Textarea(attrs={"rows": 2}),
        }

    def validate_unique(self) -> None:
        """Positions are given by the service."""


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=4, can_delete=True, max_num=20)


def indicator_data(formset) -> list[dict[str, Any]]:
    """The indicators the formset holds, in order, without the removed and the empty."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE"})
    return rows


def indicator_initial(card: MandateCard | None) -> list[dict[str, Any]]:
    if card is None:
        return []
    return [{f: getattr(i, f) for f in IndicatorForm.Meta.fields} for i in card.indicators.all()]


def card_initial(card: MandateCard | None, innovation: Innovation) -> dict[str, Any]:
    if card is None:
        return {
            "value_direction": innovation.value_direction,
            "budget": innovation.frame_budget,
            "deadline": innovation.frame_deadline,
            "scope": innovation.frame_scope,
        }
    return {name: getattr(card, name) for name in MandateCardForm.Meta.fields}


class MandateDecisionForm(forms.ModelForm):
    """The decision item that gives or amends the mandate: the meeting and the minutes."""

    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Decision.objects.none())
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Outcome.APPROVED, Outcome.APPROVED.label),
            (Outcome.APPROVED_WITH_CHANGES, Outcome.APPROVED_WITH_CHANGES.label),
        ],
    )

    class Meta:
        model = Decision
        fields = [
            "meeting",
            "agenda_item",
            "outcome",
            "resolution",
            "votes_for",
            "votes_against",
            "votes_abstaining",
            "minority_statements",
            "follow_up_date",
        ]
        widgets = {
            "resolution": forms.Textarea(attrs={"rows": 3}),
            "minority_statements": forms.Textarea(attrs={"rows": 2}),
            "follow_up_date": DateInput(),
        }

    def __init__(self, *args, meetings, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda meeting: (
            f"{meeting.committee.name}, {meeting.date:%d.%m.%Y}"
        )

    def _post_clean(self) -> None:
        """The service checks the decision as a whole (with the innovation and the card)."""

    def decision_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class InvolvementActivityForm(forms.ModelForm):
    """One activity of the involvement log, with the number who took part from each group."""

    class Meta:
        model = InvolvementActivity
        fields = ["date", "form", "title", "learned", "platform_url"]
        widgets = {"date": DateInput(), "learned": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platform_url"].assume_scheme = "https"
        for value, label in InvolvedGroup.choices:
            self.fields[f"group_{value}"] = forms.IntegerField(
                label=label, required=False, min_value=0, max_value=100000
            )

    def _post_clean(self) -> None:
        """The service checks the activity against the model's rules."""

    def group_fields(self):
        return [self[f"group_{value}"] for value in InvolvedGroup.values]

    def service_data(self) -> dict[str, Any]:
        data = {k: self.cleaned_data.get(k) for k in self.Meta.fields}
        data["participants"] = {
            value: self.cleaned_data[f"group_{value}"]
            for value in InvolvedGroup.values
            if self.cleaned_data.get(f"group_{value}")
        }
        data["platform_url"] = data["platform_url"] or ""
        return data


class FollowUpAgainstCardForm(forms.Form):
    """A follow-up that reads the card's indicators and answers on the value direction."""

    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Decision.objects.none())
    agenda_item = forms.CharField(label=_("Agenda item"), max_length=200)
    assessment = forms.ChoiceField(label=_("Assessment"), choices=Assessment.choices)
    summary = forms.CharField(label=_("Status report"), widget=forms.Textarea(attrs={"rows": 4}))
    taken_note = forms.CharField(
        label=_("What the committee took note of or asked for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    serves = forms.ChoiceField(
        label=_("Does the work still serve the value direction?"),
        choices=Fidelity.choices,
        widget=forms.RadioSelect,
    )
    serves_why = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))
    transition = forms.ChoiceField(
        label=_("Transition it documents"),
        choices=[("", _("None")), *FOLLOW_UP_TRANSITIONS],
        required=False,
    )

    def __init__(self, *args, meetings, card: MandateCard, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda meeting: (
            f"{meeting.committee.name}, {meeting.date:%d.%m.%Y}"
        )
        self.indicators = list(card.indicators.all())
        for indicator in self.indicators:
            self.fields[f"reading_{indicator.pk}"] = AmountField(
                label=_("%(name)s now (%(unit)s)")
                % {"name": indicator.name, "unit": indicator.unit},
                required=False,
                max_digits=16,
                decimal_places=4,
            )
            self.fields[f"reading_note_{indicator.pk}"] = forms.CharField(
                label=_("Note on %(name)s") % {"name": indicator.name},
                required=False,
                max_length=2000,
            )

    def reading_fields(self):
        return [(i, self[f"reading_{i.pk}"], self[f"reading_note_{i.pk}"]) for i in self.indicators]

    def service_data(self) -> dict[str, Any]:
        data = {
            k: self.cleaned_data[k]
            for k in (
                "meeting",
                "agenda_item",
                "assessment",
                "summary",
                "taken_note",
                "serves",
                "serves_why",
                "transition",
            )
        }
        data["apply_transition"] = bool(data["transition"])
        data["readings"] = {
            str(i.pk): {
                "value": self.cleaned_data.get(f"reading_{i.pk}"),
                "note": self.cleaned_data.get(f"reading_note_{i.pk}", ""),
            }
            for i in self.indicators
            if self.cleaned_data.get(f"reading_{i.pk}") is not None
        }
        return data


class EvaluationAgainstCardForm(EvaluationForm):
    """The evaluation form generated from the card in force: each indicator with its baseline
    and target, and the measured result; the verdict on the value direction."""

    def __init__(self, *args, innovation: Innovation, card: MandateCard | None, **kwargs) -> None:
        super().__init__(*args, innovation=innovation, **kwargs)
        self.card = card
        self.indicators = list(card.indicators.all()) if card is not None else []
        for indicator in self.indicators:
            self.fields[f"result_{indicator.pk}"] = AmountField(
                label=_("Measured result (%(unit)s)") % {"unit": indicator.unit},
                max_digits=16,
                decimal_places=4,
            )
            self.fields[f"result_note_{indicator.pk}"] = forms.CharField(
                label=_("Note on the result"), required=False, max_length=2000
            )
        if card is not None:
            self.fields["verdict"] = forms.ChoiceField(
                label=_("Was the value direction realised?"),
                choices=Verdict.choices,
                widget=forms.RadioSelect,
            )
            self.fields["verdict_why"] = forms.CharField(
                label=_("Why"), widget=forms.Textarea(attrs={"rows": 3})
            )

    def result_fields(self):
        return [(i, self[f"result_{i.pk}"], self[f"result_note_{i.pk}"]) for i in self.indicators]

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if self.card is not None:
            data["results"] = {
                str(i.pk): {
                    "value": self.cleaned_data.get(f"result_{i.pk}"),
                    "note": self.cleaned_data.get(f"result_note_{i.pk}", ""),
                }
                for i in self.indicators
            }
            data["verdict"] = self.cleaned_data.get("verdict", "")
            data["verdict_why"] = self.cleaned_data.get("verdict_why", "")
        return data
