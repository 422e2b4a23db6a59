"""Forms of the pages. They parse and present; the services decide.

Every form is turned into keyword arguments for one service call, and the service's
``ValidationFailed`` errors are put back on the fields they name (``apply_errors``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from decisions.models import TRANSITION_CHOICES, Assessment, Outcome
from innovations.errors import SporError, TransitionNotPossible, ValidationFailed
from innovations.models import (
    Collaborator,
    EvaluationMethod,
    Innovation,
    InnovationType,
    SpreadingRecommendation,
    State,
    Value,
)
from innovations.workflow import transition_specs
from organisations.models import Committee, Meeting, ReminderDelivery, Role, User

from .fields import AmountField


def apply_errors(form: forms.Form, error: SporError) -> None:
    """Put a service's error on the form: on the fields it names, else above the form."""
    if isinstance(error, ValidationFailed):
        for field, messages in error.errors.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
        return
    messages = [error.message]
    if isinstance(error, TransitionNotPossible) and error.reasons:
        messages += [str(reason) for reason in error.reasons]
    target = error.field if error.field in form.fields else None
    form.add_error(target, forms.ValidationError(messages))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _none_if_blank(value: Any) -> Any:
    return None if value in ("", None) else value


# --- Innovations ------------------------------------------------------------------------------


class OfficialChoiceField(forms.ModelChoiceField):
    """An official by name with their unit or job title, so two namesakes can be told apart."""

    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name() or obj.username
        detail = obj.title or obj.get_role_display()
        return f"{name} – {detail}" if detail else name


class InnovationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    need = forms.CharField(
        label=_("The need as raised"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The problem or need, in the words of those who raised it."),
    )
    value_direction = forms.CharField(
        label=_("Value direction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the solution must serve. The mandate decision sets it."),
    )
    solution = forms.CharField(
        label=_("Solution"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    committee = forms.ModelChoiceField(
        label=_("Responsible committee"), queryset=Committee.objects.none()
    )
    owner = OfficialChoiceField(
        label=_("Owning official"), queryset=User.objects.none(), required=False
    )
    frame_budget = AmountField(
        label=_("Budget (DKK)"),
        required=False,
        min_value=0,
        decimal_places=2,
        help_text=_("For example 1.250.000,50."),
    )
    frame_deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    frame_scope = forms.CharField(
        label=_("Scope"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    innovation_types = forms.MultipleChoiceField(
        label=_("Innovation types"),
        choices=InnovationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    intended_values = forms.MultipleChoiceField(
        label=_("Intended values"),
        choices=Value.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    collaborators = forms.MultipleChoiceField(
        label=_("Collaborators"),
        choices=Collaborator.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kle_code = forms.CharField(
        label=_("KLE code"), required=False, max_length=20, help_text=_("For example 27.24.00.")
    )
    contact_role = forms.CharField(label=_("Contact (role)"), required=False, max_length=200)
    raised_by = Innovation._meta.get_field("raised_by").formfield(
        help_text=_("A need raised by a politician or a committee counts as initiated by them.")
    )

    def __init__(self, *args, user, innovation: Innovation | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.innovation = innovation
        self.fields["committee"].queryset = Committee.objects.filter(
            organisation_id=user.organisation_id
        )
        # Only officials own innovations (and the current owner stays choosable).
        current_owner = innovation.owner_id if innovation is not None else None
        self.fields["owner"].queryset = (
            User.objects.filter(organisation_id=user.organisation_id, is_active=True)
            .filter(Q(role=Role.OFFICIAL) | Q(pk=current_owner))
            .order_by("first_name", "last_name", "username")
        )
        if innovation is not None and innovation.state != State.NEED:
            # The mandate set the value direction; a correction of the decision changes it.
            del self.fields["value_direction"]
        if innovation is not None:
            # Moving the responsible committee is an administrator's act with a reason
            # (ChangeCommitteeForm); an edit never does it.
            self.fields["committee"].disabled = True
            self.fields["committee"].help_text = _(
                "An administrator changes the responsible committee, with a reason."
            )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if self.innovation is not None:
            # Send only what changed, so an unchanged form is a no-op for the service.
            data = {
                key: value for key, value in data.items() if getattr(self.innovation, key) != value
            }
        return data


class ChangeCommitteeForm(forms.Form):
    committee = forms.ModelChoiceField(
        label=_("New responsible committee"), queryset=Committee.objects.none()
    )
    reason = forms.CharField(
        label=_("Why the responsible committee changes"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, innovation: Innovation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(
            organisation_id=innovation.organisation_id
        ).exclude(pk=innovation.committee_id)


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the checkpoint is waived"), widget=forms.Textarea(attrs={"rows": 2})
    )


def innovation_initial(innovation: Innovation) -> dict[str, Any]:
    return {
        field: getattr(innovation, field)
        for field in (
            "title",
            "need",
            "value_direction",
            "solution",
            "committee",
            "owner",
            "frame_budget",
            "frame_deadline",
            "frame_scope",
            "innovation_types",
            "intended_values",
            "collaborators",
            "kle_code",
            "contact_role",
            "raised_by",
        )
    }


EFFECT_CHOICES = [
    ("", _("Not assessed")),
    ("improved", _("Improved")),
    ("unchanged", _("Unchanged")),
    ("worse", _("Worse")),
    ("unknown", _("Unknown")),
]
BASIS_CHOICES = [("assessed", _("Assessed")), ("measured", _("Measured"))]


class EvaluationForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=EvaluationMethod.choices)
    learning = forms.CharField(
        label=_("What was learned"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    spreading = forms.ChoiceField(
        label=_("Spreading recommended"),
        choices=[("", _("No recommendation")), *SpreadingRecommendation.choices],
        required=False,
    )
    recommendation = forms.CharField(
        label=_("Recommendation on spreading"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, innovation: Innovation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Value.choices)
        self.value_fields: list[tuple[str, str, str, str]] = []
        for value in innovation.intended_values or []:
            if value not in labels:
                continue
            effect, basis, text = f"effect_{value}", f"basis_{value}", f"text_{value}"
            self.fields[effect] = forms.ChoiceField(
                label=_("Effect on %(value)s") % {"value": str(labels[value]).lower()},
                choices=EFFECT_CHOICES,
                required=False,
            )
            self.fields[basis] = forms.ChoiceField(
                label=_("Basis for %(value)s") % {"value": str(labels[value]).lower()},
                choices=BASIS_CHOICES,
                required=False,
            )
            self.fields[text] = forms.CharField(
                label=_("Comment on %(value)s") % {"value": str(labels[value]).lower()},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.value_fields.append((value, effect, basis, text))

    def service_data(self) -> dict[str, Any]:
        effects = {}
        for value, effect, basis, text in self.value_fields:
            if self.cleaned_data.get(effect):
                effects[value] = {
                    "effect": self.cleaned_data[effect],
                    "basis": self.cleaned_data.get(basis) or "assessed",
                    "text": self.cleaned_data.get(text, ""),
                }
        return {
            "method": self.cleaned_data["method"],
            "effects": effects,
            "learning": self.cleaned_data.get("learning", ""),
            "recommendation": self.cleaned_data.get("recommendation", ""),
            "spreading": self.cleaned_data.get("spreading", ""),
        }

    def value_groups(self):
        """Per intended value: its name (the fieldset's legend) and its three fields."""
        labels = dict(Value.choices)
        return [
            (labels[value], self[effect], self[basis], self[text])
            for value, effect, basis, text in self.value_fields
        ]


FOLLOW_UP_TRANSITIONS = [
    (spec.name, spec.label) for spec in transition_specs() if spec.requires == "follow_up"
]
DECISION_TRANSITIONS = [
    (spec.name, spec.label) for spec in transition_specs() if spec.requires == "decision"
]


# --- Recording a meeting's items ----------------------------------------------------------------


class _AgendaItemForm(forms.Form):
    innovation = forms.ModelChoiceField(label=_("Innovation"), queryset=Innovation.objects.none())
    agenda_item = forms.CharField(
        label=_("Agenda item"), max_length=200, help_text=_("For example “Punkt 4”.")
    )

    def __init__(self, *args, innovations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["innovation"].queryset = innovations
        self.fields["innovation"].label_from_instance = lambda innovation: (
            f"{innovation.title} ({innovation.get_state_display()})"
        )


class DecisionForm(_AgendaItemForm):
    transition = forms.ChoiceField(
        label=_("Transition decided on"),
        choices=[("", _("None: a decision that moves nothing")), *TRANSITION_CHOICES],
        required=False,
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    resolution = forms.CharField(
        label=_("Resolution text"), widget=forms.Textarea(attrs={"rows": 4})
    )
    votes_for = forms.IntegerField(label=_("Votes for"), required=False, min_value=0)
    votes_against = forms.IntegerField(label=_("Votes against"), required=False, min_value=0)
    votes_abstaining = forms.IntegerField(label=_("Abstaining"), required=False, min_value=0)
    minority_statements = forms.CharField(
        label=_("Minority statements"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    value_direction = forms.CharField(
        label=_("Value direction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a mandate: what the new solution must serve."),
    )
    follow_up_date = forms.DateField(
        label=_("Follow-up date"),
        required=False,
        widget=DateInput(),
        help_text=_("When the committee wants a status; it creates a checkpoint."),
    )
    apply_transition = forms.BooleanField(
        label=_("Apply the transition now if the decision authorises it"),
        required=False,
        initial=True,
    )
    reason = forms.CharField(
        label=_("Reason for stopping"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    learning = forms.CharField(
        label=_("What was learned"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if not data["transition"]:
            data["apply_transition"] = False
        return data


class FollowUpForm(_AgendaItemForm):
    assessment = forms.ChoiceField(label=_("Assessment"), choices=Assessment.choices)
    summary = forms.CharField(label=_("Status report"), widget=forms.Textarea(attrs={"rows": 4}))
    taken_note = forms.CharField(
        label=_("What the committee took note of or asked for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    transition = forms.ChoiceField(
        label=_("Transition it documents"),
        choices=[("", _("None")), *FOLLOW_UP_TRANSITIONS],
        required=False,
    )
    apply_transition = forms.BooleanField(
        label=_("Apply the transition now"), required=False, initial=True
    )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if not data["transition"]:
            data["apply_transition"] = False
        return data


class MeetingForm(forms.Form):
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(
        label=_("Starts at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    minutes_url = forms.URLField(
        label=_("Link to the published minutes"), required=False, assume_scheme="https"
    )

    def __init__(self, *args, committees, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the record is corrected"), widget=forms.Textarea(attrs={"rows": 2})
    )

    DECISION_FIELDS = {
        "meeting": lambda: forms.ModelChoiceField(
            label=_("Meeting (date and committee)"),
            queryset=Meeting.objects.none(),
            required=False,
        ),
        "agenda_item": lambda: forms.CharField(label=_("Agenda item"), max_length=200),
        "outcome": lambda: forms.ChoiceField(
            label=_("Outcome"), choices=Outcome.choices, required=False
        ),
        "transition": lambda: forms.ChoiceField(
            label=_("Transition decided on"),
            choices=[("", _("None: a decision that moves nothing")), *DECISION_TRANSITIONS],
            required=False,
        ),
        "resolution": lambda: forms.CharField(
            label=_("Resolution text"), widget=forms.Textarea(attrs={"rows": 4})
        ),
        "votes_for": lambda: forms.IntegerField(label=_("Votes for"), min_value=0, required=False),
        "votes_against": lambda: forms.IntegerField(
            label=_("Votes against"), min_value=0, required=False
        ),
        "votes_abstaining": lambda: forms.IntegerField(
            label=_("Abstaining"), min_value=0, required=False
        ),
        "minority_statements": lambda: forms.CharField(
            label=_("Minority statements"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        ),
        "value_direction": lambda: forms.CharField(
            label=_("Value direction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        ),
        "follow_up_date": lambda: forms.DateField(
            label=_("Follow-up date"), required=False, widget=DateInput()
        ),
    }
    FOLLOW_UP_FIELDS = {
        "meeting": lambda: forms.ModelChoiceField(
            label=_("Meeting (date and committee)"),
            queryset=Meeting.objects.none(),
            required=False,
        ),
        "agenda_item": lambda: forms.CharField(label=_("Agenda item"), max_length=200),
        "transition": lambda: forms.ChoiceField(
            label=_("Transition it documents"),
            choices=[("", _("None")), *FOLLOW_UP_TRANSITIONS],
            required=False,
        ),
        "assessment": lambda: forms.ChoiceField(label=_("Assessment"), choices=Assessment.choices),
        "summary": lambda: forms.CharField(
            label=_("Status report"), widget=forms.Textarea(attrs={"rows": 4})
        ),
        "taken_note": lambda: forms.CharField(
            label=_("What the committee took note of or asked for"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        ),
    }

    def __init__(self, *args, kind: str, current: dict[str, Any], meetings=None, **kwargs) -> None:
        kwargs.setdefault("initial", current)
        super().__init__(*args, **kwargs)
        self.current = current
        fields = self.DECISION_FIELDS if kind == "decision" else self.FOLLOW_UP_FIELDS
        for name, make in fields.items():
            self.fields[name] = make()
        self.fields["meeting"].queryset = (
            meetings if meetings is not None else Meeting.objects.none()
        )
        self.fields["annulled"] = forms.BooleanField(
            label=_("Annul the record"),
            required=False,
            help_text=_("The record was made in error: it stays visible but authorises nothing."),
        )

    def corrected_values(self) -> dict[str, Any]:
        changed = {}
        for name, value in self.cleaned_data.items():
            if name == "reason":
                continue
            before = self.current.get(name)
            value, before = (getattr(v, "pk", v) for v in (value, before))
            if name in ("meeting", "outcome") and value in (None, ""):
                continue  # left empty: unchanged (a record always has a meeting and outcome)
            if (value if value != "" else None) != (before if before != "" else None):
                changed[name] = value
        if changed.get("annulled") is False and not self.current.get("annulled"):
            changed.pop("annulled")
        return changed


class DecisionRequestForm(forms.Form):
    """An official asks the committee for a decision: a decision checkpoint for its secretary."""

    title = forms.CharField(
        label=_("What the committee should decide"),
        max_length=300,
        help_text=_("For example “Approve testing in two care homes”."),
    )
    due_date = forms.DateField(
        label=_("Wanted by"),
        widget=DateInput(),
        help_text=_("The meeting or date by which the decision is needed."),
    )


class TransitionForm(forms.Form):
    """Apply a transition on evidence already recorded (a decision or follow-up)."""

    reason = forms.CharField(
        label=_("Reason for stopping"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    learning = forms.CharField(
        label=_("What was learned"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- The person's own settings -------------------------------------------------------------------


class PreferencesForm(forms.Form):
    reminder_delivery = forms.ChoiceField(
        label=_("Reminder e-mails"),
        choices=ReminderDelivery.choices,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("da", "Dansk"), ("en", "English")], widget=forms.RadioSelect
    )


class DashboardFilterForm(forms.Form):
    committee = forms.ModelChoiceField(
        label=_("Committee"), queryset=Committee.objects.none(), required=False
    )
    phase = forms.ChoiceField(
        label=_("Phase"), choices=[("", _("All phases")), *State.choices], required=False
    )
    period_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    period_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    stale_months = forms.IntegerField(
        label=_("Stale after (months)"), required=False, min_value=1, max_value=60, initial=6
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(
            organisation_id=user.organisation_id
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", _("The period must end on or after its first day."))
        return data


class InnovationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    phase = forms.ChoiceField(
        label=_("Phase"), choices=[("", _("All phases")), *State.choices], required=False
    )
    committee = forms.ModelChoiceField(
        label=_("Committee"), queryset=Committee.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(
            organisation_id=user.organisation_id
        )


# --- Checkpoint rules and the reminder policy (administrators) ----------------------------------


class ReminderPolicyForm(forms.Form):
    days_before = forms.CharField(
        label=_("Reminders before the due date (days)"),
        required=False,
        help_text=_("Whole numbers separated by commas, for example “14, 3”."),
    )
    on_due_day = forms.BooleanField(label=_("A reminder on the due day"), required=False)
    overdue_every_days = forms.IntegerField(
        label=_("Repeat every so many days when overdue"),
        required=False,
        min_value=1,
        help_text=_("Empty: no repeated reminders."),
    )
    escalate_after_days_overdue = forms.IntegerField(
        label=_("Escalate to the chair and the administrators after so many days overdue"),
        required=False,
        min_value=1,
        help_text=_("Empty: no escalation."),
    )
    send_hour = forms.IntegerField(
        label=_("Send at (hour, Danish time)"), min_value=0, max_value=23
    )
    digest_time = forms.TimeField(
        label=_("Daily digest at (Danish time)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def clean_days_before(self) -> list[int]:
        text = self.cleaned_data["days_before"] or ""
        try:
            return [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        except ValueError as exc:
            raise forms.ValidationError(_("Give whole numbers separated by commas.")) from exc


def policy_initial(policy) -> dict[str, Any]:
    return {
        "days_before": ", ".join(str(d) for d in policy.days_before or []),
        "on_due_day": policy.on_due_day,
        "overdue_every_days": policy.overdue_every_days,
        "escalate_after_days_overdue": policy.escalate_after_days_overdue,
        "send_hour": policy.send_hour,
        "digest_time": policy.digest_time,
    }


class CheckpointRuleForm(forms.Form):
    state = forms.ChoiceField(label=_("On entering the phase"), choices=[])
    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    due_after_days = forms.IntegerField(label=_("Due after (days)"), min_value=1)
    repeat_every_days = forms.IntegerField(
        label=_("Then every (days)"),
        required=False,
        min_value=1,
        help_text=_("Empty: once."),
    )
    responsible = forms.ChoiceField(label=_("Responsible"), choices=[])
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs) -> None:
        from innovations.models import FINAL_STATES
        from reminders.models import CheckpointKind, Responsible

        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [c for c in State.choices if c[0] not in FINAL_STATES]
        self.fields["kind"].choices = CheckpointKind.choices
        self.fields["responsible"].choices = Responsible.choices


# --- The audit (administrators) --------------------------------------------------------------


class AuditFilterForm(forms.Form):
    period_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    period_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    person = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, user, content_types, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [
            ("", _("All object types")),
            *[
                (str(ct.pk), str(ct.model_class()._meta.verbose_name).capitalize())
                for ct in content_types
            ],
        ]
        self.fields["person"].queryset = User.objects.filter(
            organisation_id=user.organisation_id
        ).order_by("first_name", "last_name")
