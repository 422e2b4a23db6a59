"""Forms of the pages. They parse and present; the services decide.

Every form is turned into keyword arguments for one service call, and the service's
``ValidationFailed`` errors are put back on the fields they name (``apply_errors``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from agenda.models import AgendaItem
from core.enums import EvidenceKind
from core.errors import SporError, TransitionNotPossible, ValidationFailed
from decisions.models import Assessment, Correction, Decision, FollowUp, Outcome, max_length_of
from innovations.models import (
    FINAL_STATES,
    Collaborator,
    EvaluationMethod,
    Innovation,
    InnovationType,
    SpreadingRecommendation,
    State,
    Value,
)
from innovations.workflow import spec_for, transition_choices
from organisations.models import (
    Committee,
    Meeting,
    ReminderDelivery,
    Role,
    User,
    language_choices,
)
from portfolio.filters import InnovationFilter
from reminders.models import CheckpointKind, Responsible


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


def model_field(model, name: str, **kwargs: Any) -> forms.Field:
    """A form field built from the model's field: its type, length and range (the maximum
    from its validators); the model is the one source of the rule."""
    field = model._meta.get_field(name)
    for validator in field.validators:
        if isinstance(validator, MaxValueValidator):
            kwargs.setdefault("max_value", validator.limit_value)
    return field.formfield(**kwargs)


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
    title = model_field(Innovation, "title", label=_("Title"))
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
    case_number = forms.CharField(
        label=_("Case number"),
        required=False,
        max_length=100,
        help_text=_("The case number (sagsnummer) in the case system, in its own format."),
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
            "innovation_types",
            "intended_values",
            "collaborators",
            "kle_code",
            "case_number",
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


FOLLOW_UP_TRANSITIONS = transition_choices(EvidenceKind.FOLLOW_UP)
DECISION_TRANSITIONS = transition_choices(EvidenceKind.DECISION)


class LongText(forms.Textarea):
    """A textarea with a visible character counter (``static/js/counter.js``).

    The limit comes from the model field's validator; it is not a ``maxlength`` (a paste
    would be cut off silently): over the limit the counter says so and the service refuses.
    """

    def __init__(self, limit: int | None, rows: int = 3) -> None:
        attrs: dict[str, Any] = {"rows": rows}
        if limit:
            attrs["data-max-length"] = str(limit)
            # filled in by the script: %(count)s, %(limit)s, %(over)s
            attrs["data-counter"] = _("%(count)s of %(limit)s characters")
            attrs["data-counter-over"] = _(
                "%(over)s characters too many: at most %(limit)s are allowed"
            )
        super().__init__(attrs=attrs)


def long_text(model, name: str, label, *, rows: int = 3, required: bool = True, **kwargs):
    """A form field for a long text of the minutes, limited as the model limits it."""
    limit = max_length_of(model, name)
    # No max_length here: the service checks the model's limit and the error comes back on
    # the field; a maxlength attribute would cut a paste off without a word.
    return forms.CharField(
        label=label, required=required, widget=LongText(limit, rows=rows), **kwargs
    )


class PhaseSelect(forms.Select):
    """The innovation dropdown; each option says its phase, for the transition dropdown."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-phase"] = instance.state
            option["attrs"]["data-phase-label"] = str(instance.get_state_display())
        return option


class TransitionSelect(forms.Select):
    """The transitions, each with the phases it is possible from; those not possible from the
    chosen innovation's phase are disabled and say from where they are."""

    phase: str = ""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        spec = spec_for(str(value)) if value else None
        if spec is None:
            return option
        elsewhere = transition_unavailable_label(spec)
        option["attrs"].update(
            {
                "data-from": " ".join(spec.sources),
                "data-label": str(label),
                "data-unavailable-label": elsewhere,
            }
        )
        if self.phase and self.phase not in spec.sources:
            option["attrs"]["disabled"] = True
            option["label"] = elsewhere
        return option


def transition_unavailable_label(spec) -> str:
    return str(
        _("%(transition)s (only from %(phases)s)")
        % {
            "transition": spec.label,
            "phases": ", ".join(str(State(source).label) for source in spec.sources),
        }
    )


def transition_note(phase: str, choices) -> str:
    """Which transitions are possible from the phase, and why the others are not offered."""
    names = [
        str(label)
        for value, label in choices
        if value and (spec := spec_for(value)) is not None and phase in spec.sources
    ]
    return str(
        _(
            "From the phase %(phase)s the committee can decide on: %(names)s. The other "
            "transitions are not possible from this phase."
        )
        % {"phase": State(phase).label, "names": ", ".join(names) or "–"}
    )


# --- Recording a meeting's items ----------------------------------------------------------------


class _AgendaItemForm(forms.Form):
    innovation = forms.ModelChoiceField(label=_("Innovation"), queryset=Innovation.objects.none())
    agenda_item = forms.CharField(
        label=_("Agenda item"), max_length=200, help_text=_("For example “Punkt 4”.")
    )
    # The imported agenda item the record is taken on (chosen on the meeting page).
    agenda_entry = forms.ModelChoiceField(
        queryset=AgendaItem.objects.none(), required=False, widget=forms.HiddenInput
    )
    case_number = forms.CharField(
        label=_("Case number"),
        required=False,
        max_length=AgendaItem._meta.get_field("case_number").max_length,
        help_text=_("Empty: the agenda item's or the innovation's."),
    )

    def __init__(self, *args, innovations, agenda_items=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if agenda_items is not None:
            self.fields["agenda_entry"].queryset = agenda_items
        self.fields["innovation"].queryset = innovations
        self.fields["innovation"].widget = PhaseSelect()
        self.fields["innovation"].widget.choices = self.fields["innovation"].choices
        self.fields["innovation"].label_from_instance = lambda innovation: (
            f"{innovation.title} ({innovation.get_state_display()})"
        )

    def chosen_innovation(self) -> Innovation | None:
        """The innovation chosen (posted, or pre-filled from the due list), if one of ours."""
        key = self.add_prefix("innovation")
        value = self.data.get(key) if self.is_bound else self.initial.get("innovation")
        if not value or not str(value).isdigit():
            return None
        return self.fields["innovation"].queryset.filter(pk=value).first()


class DecisionForm(_AgendaItemForm):
    transition = forms.ChoiceField(
        label=_("Transition decided on"),
        choices=[("", _("None: a decision that moves nothing")), *DECISION_TRANSITIONS],
        required=False,
        widget=TransitionSelect,
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    resolution = long_text(Decision, "resolution", _("Resolution text"), rows=4)
    votes_for = model_field(Decision, "votes_for", label=_("Votes for"))
    votes_against = model_field(Decision, "votes_against", label=_("Votes against"))
    votes_abstaining = model_field(Decision, "votes_abstaining", label=_("Abstaining"))
    minority_statements = long_text(
        Decision, "minority_statements", _("Minority statements"), rows=2, required=False
    )
    value_direction = long_text(
        Decision,
        "value_direction",
        _("Value direction"),
        required=False,
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

    moves_nothing_confirmed = forms.BooleanField(
        label=_("Yes, record an approval that moves nothing"),
        required=False,
        help_text=_("For example an approval of a budget or a plan, not of a transition."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        innovation = self.chosen_innovation()
        self.phase = innovation.state if innovation is not None else ""
        widget = self.fields["transition"].widget
        widget.phase = self.phase
        widget.attrs["data-note-template"] = str(
            _(
                "From the phase %(phase)s the committee can decide on: %(names)s. The other "
                "transitions are not possible from this phase."
            )
            % {"phase": "{phase}", "names": "{names}"}
        )
        self.fields["transition"].help_text = (
            transition_note(self.phase, self.fields["transition"].choices)
            if self.phase
            else _(
                "Choose the innovation first: only the transitions possible from its phase "
                "can be chosen."
            )
        )
        # Asked only once the secretary has been warned (see clean()).
        self.asks_to_confirm = bool(self.data.get(self.add_prefix("moves_nothing_confirmed")))

    def clean(self):
        data = super().clean()
        approved = data.get("outcome") in (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES)
        if approved and not data.get("transition") and not data.get("moves_nothing_confirmed"):
            # Not a rule of the engine (such a decision may be recorded), a warning: an
            # approval that names no transition authorises no move, now or later.
            self.asks_to_confirm = True
            self.add_error(
                "transition",
                _(
                    "This approval names no transition, so it authorises nothing: the "
                    "innovation cannot move on it, now or later. Choose the transition the "
                    "committee approved, or confirm below that the approval moves nothing."
                ),
            )
        return data

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("moves_nothing_confirmed", None)
        if not data["transition"]:
            data["apply_transition"] = False
        return data


class FollowUpForm(_AgendaItemForm):
    assessment = forms.ChoiceField(label=_("Assessment"), choices=Assessment.choices)
    summary = long_text(FollowUp, "summary", _("Status report"), rows=4)
    taken_note = long_text(
        FollowUp,
        "taken_note",
        _("What the committee took note of or asked for"),
        rows=2,
        required=False,
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
    reason = long_text(Correction, "reason", _("Why the record is corrected"), rows=2)

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
        "resolution": lambda: long_text(Decision, "resolution", _("Resolution text"), rows=4),
        "votes_for": lambda: model_field(Decision, "votes_for", label=_("Votes for")),
        "votes_against": lambda: model_field(Decision, "votes_against", label=_("Votes against")),
        "votes_abstaining": lambda: model_field(
            Decision, "votes_abstaining", label=_("Abstaining")
        ),
        "minority_statements": lambda: long_text(
            Decision, "minority_statements", _("Minority statements"), rows=2, required=False
        ),
        "value_direction": lambda: long_text(
            Decision, "value_direction", _("Value direction"), required=False
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
        "summary": lambda: long_text(FollowUp, "summary", _("Status report"), rows=4),
        "taken_note": lambda: long_text(
            FollowUp,
            "taken_note",
            _("What the committee took note of or asked for"),
            rows=2,
            required=False,
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
        label=_("Language"), choices=language_choices, widget=forms.RadioSelect
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


class OneOfMany(forms.Select):
    """One choice on the page, read as the list a multiple-choice filter takes; the empty
    choice ("all") is no value at all."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [value for value in values if value]


# The filters the page shows; the others (organisation, owner, shared, case_number,
# overdue) work from the address, as in the API.
SHOWN_INNOVATION_FILTERS = ("q", "state", "committee")


def innovation_filters(query: QueryDict, *, queryset, user) -> InnovationFilter:
    """The API's innovation filters over ``queryset``, dressed for the page: the phase as
    one select with the Danish labels, the committees of the user's organisation."""
    data = query.copy()
    data.pop("page", None)
    if "phase" in data and "state" not in data:  # the page's former name, in bookmarks
        data.setlist("state", data.getlist("phase"))
    data.pop("phase", None)
    # The page's form sends the filters left blank; blank is "all" here, not an error.
    for name in list(data):
        values = [value for value in data.getlist(name) if value != ""]
        if values:
            data.setlist(name, values)
        else:
            del data[name]
    filters = InnovationFilter(data, queryset=queryset)
    fields = filters.form.fields
    committees = Committee.objects.filter(organisation_id=user.organisation_id).order_by("name")
    fields["q"].label = _("Search")
    fields["state"].label = _("Phase")
    fields["state"].widget = OneOfMany(choices=[("", _("All phases")), *State.choices])
    fields["committee"].label = _("Committee")
    fields["committee"].widget = forms.Select(
        choices=[("", _("All committees")), *committees.values_list("pk", "name")]
    )
    fields["organisation"].label = _("Organisation")
    fields["owner"].label = _("Owner")
    fields["shared"].label = _("Shared")
    fields["case_number"].label = _("Case number")
    fields["overdue"].label = _("Overdue checkpoints")
    return filters


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
