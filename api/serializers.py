"""Serializers: ``*In`` parse and type-check a request body, ``*Out`` shape a response.

Input serializers never save: the views pass their ``validated_data`` to one service, which
does the domain validation and the write. References in a body (innovation, meeting,
decision, ...) resolve only within what the caller may see, so another organisation's
record and a missing one give the same field error.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from notifications.models import Notification
from rest_framework import serializers

from core.enums import EvidenceKind
from decisions import selectors as decision_selectors
from decisions.mandate import Fidelity
from decisions.models import Assessment, Correction, Decision, FollowUp, Outcome
from innovations import selectors as innovation_selectors
from innovations.models import Collaborator, Innovation, InnovationType, RaisedBy, State, Value
from innovations.workflow import transition_choices
from organisations import selectors as organisation_selectors
from organisations.models import Committee, Meeting, Organisation
from reminders.models import Checkpoint
from reminders.services import local_today
from webhooks.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint

from . import selectors as api_selectors
from .mandate_serializers import MandateCardIn, ReadingIn


def model_field(model, name: str, **overrides) -> serializers.Field:
    """An input field built from the model's field: its type, length, range and null-ness,
    as a ModelSerializer would; the model is the one source of the rule."""
    field_class, kwargs = serializers.ModelSerializer().build_standard_field(
        name, model._meta.get_field(name)
    )
    kwargs.pop("label", None)
    kwargs.pop("help_text", None)
    return field_class(**{**kwargs, **overrides})


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A reference resolved in ``scope(user)``: a selector of what the caller may see."""

    default_error_messages = {
        "does_not_exist": _("Not found: no record with id {pk_value} that you can see."),
        "incorrect_type": _("Give the record's id as a number."),
    }

    def __init__(self, *, scope, model, **kwargs) -> None:
        self.scope = scope
        self.model = model
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.model.objects.none()
        return self.scope(request.user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str) or not str(data).isdigit():
            self.fail("incorrect_type", data_type=type(data).__name__)
        if int(data) > 2**63 - 1:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(int(data))


def _visible_innovations(user):
    # The services lock and load the innovation again: the reference needs its id only.
    return innovation_selectors.visible_innovations(user).select_related(None)


def _visible_decisions(user):
    return api_selectors.visible_decisions(user)


def _visible_follow_ups(user):
    return api_selectors.visible_follow_ups(user)


# --- Organisations --------------------------------------------------------------------------


class OrganisationOut(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "code", "kind", "name", "region"]


class CommitteeOut(serializers.ModelSerializer):
    class Meta:
        model = Committee
        fields = ["id", "organisation", "name", "is_council"]


class CommitteeIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)


class MeetingOut(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = [
            "id",
            "committee",
            "date",
            "start_time",
            "location",
            "external_id",
            "minutes_url",
        ]


class MeetingChangeIn(serializers.Serializer):
    committee = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    date = serializers.DateField(required=False)
    minutes_url = serializers.URLField(required=False, allow_blank=True, max_length=200)


class MeetingIn(serializers.Serializer):
    committee = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    date = serializers.DateField()
    start_time = serializers.TimeField(required=False, allow_null=True)
    minutes_url = serializers.URLField(required=False, allow_blank=True, max_length=200)


# --- Innovations ----------------------------------------------------------------------------


class InnovationOut(serializers.ModelSerializer):
    state = serializers.ChoiceField(choices=State.choices, read_only=True)
    paused_from = serializers.ChoiceField(choices=State.choices, allow_blank=True, read_only=True)
    raised_by = serializers.ChoiceField(choices=RaisedBy.choices, allow_blank=True, read_only=True)
    frame_budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, read_only=True
    )

    class Meta:
        model = Innovation
        fields = [
            "id",
            "title",
            "need",
            "value_direction",
            "organisation",
            "committee",
            "owner",
            "state",
            "state_entered_at",
            "paused_from",
            "innovation_types",
            "intended_values",
            "collaborators",
            "reused_from",
            "shared",
            "solution",
            "frame_budget",
            "frame_deadline",
            "frame_scope",
            "kle_code",
            "case_number",
            "contact_role",
            "raised_by",
            "stop_reason",
            "stop_learning",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_fields(self):
        fields = super().get_fields()
        fields["innovation_types"] = serializers.ListField(
            child=serializers.ChoiceField(choices=InnovationType.choices), read_only=True
        )
        fields["intended_values"] = serializers.ListField(
            child=serializers.ChoiceField(choices=Value.choices), read_only=True
        )
        fields["collaborators"] = serializers.ListField(
            child=serializers.ChoiceField(choices=Collaborator.choices), read_only=True
        )
        return fields

    def to_representation(self, innovation: Innovation) -> dict:
        # The list endpoint's hot path: the same output as the declared fields give (a test
        # holds them equal), built directly, at a third of DRF's per-field cost.
        zone = timezone.get_current_timezone()
        return {
            "id": innovation.pk,
            "title": innovation.title,
            "need": innovation.need,
            "value_direction": innovation.value_direction,
            "organisation": innovation.organisation_id,
            "committee": innovation.committee_id,
            "owner": innovation.owner_id,
            "state": innovation.state,
            "state_entered_at": _datetime(innovation.state_entered_at, zone),
            "paused_from": innovation.paused_from,
            "innovation_types": list(innovation.innovation_types or []),
            "intended_values": list(innovation.intended_values or []),
            "collaborators": list(innovation.collaborators or []),
            "reused_from": innovation.reused_from_id,
            "shared": innovation.shared,
            "solution": innovation.solution,
            "frame_budget": None
            if innovation.frame_budget is None
            else str(Decimal(innovation.frame_budget).quantize(CENTS)),
            "frame_deadline": None
            if innovation.frame_deadline is None
            else innovation.frame_deadline.isoformat(),
            "frame_scope": innovation.frame_scope,
            "kle_code": innovation.kle_code,
            "case_number": innovation.case_number,
            "contact_role": innovation.contact_role,
            "raised_by": innovation.raised_by,
            "stop_reason": innovation.stop_reason,
            "stop_learning": innovation.stop_learning,
            "created_at": _datetime(innovation.created_at, zone),
            "updated_at": _datetime(innovation.updated_at, zone),
        }


CENTS = Decimal("0.01")


def _datetime(value, zone) -> str | None:
    """As DRF's DateTimeField writes it: in the current time zone, ISO 8601, UTC as Z."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class InnovationIn(serializers.Serializer):
    """Create (title, need and committee required) or, with ``partial``, change."""

    title = model_field(Innovation, "title")
    need = serializers.CharField()
    committee = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    value_direction = serializers.CharField(required=False, allow_blank=True)
    solution = serializers.CharField(required=False, allow_blank=True)
    owner = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )
    innovation_types = serializers.ListField(
        child=serializers.ChoiceField(choices=InnovationType.choices), required=False
    )
    intended_values = serializers.ListField(
        child=serializers.ChoiceField(choices=Value.choices), required=False
    )
    collaborators = serializers.ListField(
        child=serializers.ChoiceField(choices=Collaborator.choices), required=False
    )
    kle_code = serializers.CharField(required=False, allow_blank=True, max_length=20)
    case_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    contact_role = serializers.CharField(required=False, allow_blank=True, max_length=200)
    raised_by = serializers.ChoiceField(
        choices=RaisedBy.choices,
        required=False,
        allow_blank=True,
        help_text=_("Who raised the need: politician and committee count as initiated by them."),
    )

    def validate(self, attrs):
        # The frame is the mandate card's: a client that still sends it is told so, rather
        # than having it silently dropped.
        sent = [
            k for k in ("frame_budget", "frame_deadline", "frame_scope") if k in self.initial_data
        ]
        if sent:
            raise serializers.ValidationError(
                {
                    key: [
                        _(
                            "The frame comes from the mandate card in force; it changes only by "
                            "a decision that amends the mandate."
                        )
                    ]
                    for key in sent
                }
            )
        return attrs


class ChangeCommitteeIn(serializers.Serializer):
    committee = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    reason = serializers.CharField(help_text=_("Why the responsible committee changes."))


class MoveOnCorrectedEvidenceOut(serializers.Serializer):
    """A move that stands although the evidence that authorised it was corrected since."""

    transition = serializers.CharField(source="log_entry.transition")
    source = serializers.CharField(source="log_entry.source")
    target = serializers.CharField(source="log_entry.target")
    at = serializers.DateTimeField(source="log_entry.at")
    decision = serializers.IntegerField(source="log_entry.decision_id", allow_null=True)
    follow_up = serializers.IntegerField(source="log_entry.follow_up_id", allow_null=True)
    changes = serializers.SerializerMethodField()
    to_reverse = serializers.CharField()

    def get_changes(self, move) -> list[dict]:
        return [dataclasses.asdict(change) for change in move.changes]


class InnovationDetailOut(InnovationOut):
    """One innovation: its fields, and the moves that rest on corrected evidence."""

    rests_on_corrected_evidence = MoveOnCorrectedEvidenceOut(many=True, read_only=True)

    class Meta(InnovationOut.Meta):
        fields = [*InnovationOut.Meta.fields, "rests_on_corrected_evidence"]
        read_only_fields = fields

    def to_representation(self, innovation: Innovation) -> dict:
        data = super().to_representation(innovation)
        moves = getattr(innovation, "moves_on_corrected_evidence", [])
        data["rests_on_corrected_evidence"] = MoveOnCorrectedEvidenceOut(moves, many=True).data
        return data


class TransitionOptionOut(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    source = serializers.CharField()
    target = serializers.CharField()
    requires = serializers.ChoiceField(choices=["decision", "follow_up"])
    available = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    decision = serializers.SerializerMethodField()
    follow_up = serializers.SerializerMethodField()

    # null while no evidence is recorded for the transition
    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_decision(self, option) -> int | None:
        evidence = option.evidence
        return evidence.pk if isinstance(evidence, Decision) else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_follow_up(self, option) -> int | None:
        evidence = option.evidence
        return evidence.pk if isinstance(evidence, FollowUp) else None


class TransitionIn(serializers.Serializer):
    decision = ScopedPrimaryKeyField(scope=_visible_decisions, model=Decision, required=False)
    follow_up = ScopedPrimaryKeyField(scope=_visible_follow_ups, model=FollowUp, required=False)
    reason = serializers.CharField(required=False, allow_blank=True)
    learning = serializers.CharField(required=False, allow_blank=True)
    expected_state = serializers.ChoiceField(choices=State.choices, required=False)

    def validate(self, attrs):
        if attrs.get("decision") and attrs.get("follow_up"):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Give a decision or a follow-up, not both.")]}
            )
        return attrs


# --- Decisions, follow-ups, corrections -----------------------------------------------------


class ChangeOut(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField(help_text=_("The field's name in the reader's language."))
    before = serializers.CharField(help_text=_("The value before, as shown to the reader."))
    after = serializers.CharField(help_text=_("The corrected value, as shown to the reader."))


class CorrectionOut(serializers.ModelSerializer):
    corrected_values = serializers.DictField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = Correction
        fields = [
            "id",
            "decision",
            "follow_up",
            "reason",
            "corrected_values",
            "changes",
            "recorded_by",
            "recorded_at",
        ]

    @extend_schema_field(ChangeOut(many=True))
    def get_changes(self, correction) -> list[dict]:
        changes = getattr(correction, "changes", None)
        if changes is None:
            record = correction.target
            prefetched = getattr(record, "_prefetched_objects_cache", {}).get("corrections")
            if prefetched is None or correction.pk not in {c.pk for c in prefetched}:
                # an instance at hand may hold the corrections from before this one
                record = type(record).objects.prefetch_related("corrections").get(pk=record.pk)
            changes = decision_selectors.correction_changes(record).get(correction.pk, [])
        return [dataclasses.asdict(change) for change in changes]


class MarkedRecordOut(serializers.ModelSerializer):
    """A recorded decision or follow-up, marked when corrections changed or annulled it."""

    corrected = serializers.SerializerMethodField()
    annulled = serializers.SerializerMethodField()
    on_closed_item = serializers.SerializerMethodField(
        help_text="Taken on a closed agenda item (lukket punkt): seen only by the committee, "
        "the owning official and the administrators."
    )

    def get_on_closed_item(self, record) -> bool:
        return bool(record.on_closed_item)

    def to_representation(self, record):
        decision_selectors.mark_corrections(record)
        return super().to_representation(record)

    def get_corrected(self, record) -> bool:
        return bool(record.corrected)

    def get_annulled(self, record) -> bool:
        return bool(record.annulled)


class DecisionOut(MarkedRecordOut):
    committee = serializers.IntegerField(source="meeting.committee_id", read_only=True)
    meeting_date = serializers.DateField(source="meeting.date", read_only=True)
    corrections = CorrectionOut(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "innovation",
            "meeting",
            "meeting_date",
            "committee",
            "agenda_item",
            "agenda_entry",
            "on_closed_item",
            "case_number",
            "kle_code",
            "transition",
            "outcome",
            "resolution",
            "votes_for",
            "votes_against",
            "votes_abstaining",
            "votes_by_group",
            "minority_statements",
            "value_direction",
            "follow_up_date",
            "recorded_by",
            "recorded_at",
            "corrections",
            "corrected",
            "annulled",
        ]


class RecordedOut(serializers.Serializer):
    """Added to a 201 for a new decision or follow-up: what happened to the innovation."""

    applied = serializers.BooleanField()
    innovation_state = serializers.ChoiceField(choices=State.choices)


class DecisionCreatedOut(DecisionOut, RecordedOut):
    class Meta(DecisionOut.Meta):
        fields = [*DecisionOut.Meta.fields, "applied", "innovation_state"]


class DecisionIn(serializers.Serializer):
    innovation = ScopedPrimaryKeyField(scope=_visible_innovations, model=Innovation)
    meeting = ScopedPrimaryKeyField(scope=organisation_selectors.visible_meetings, model=Meeting)
    agenda_item = model_field(
        Decision,
        "agenda_item",
        required=False,
        allow_blank=True,
        help_text=_("Required unless agenda_entry is given: then the item's number and title."),
    )
    agenda_entry = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("The agenda item (from the meeting system) the record is taken on."),
    )
    case_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    kle_code = serializers.CharField(required=False, allow_blank=True, max_length=20)
    transition = serializers.ChoiceField(
        choices=transition_choices(), required=False, allow_blank=True
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    resolution = serializers.CharField()
    votes_for = model_field(Decision, "votes_for")
    votes_against = model_field(Decision, "votes_against")
    votes_abstaining = model_field(Decision, "votes_abstaining")
    minority_statements = serializers.CharField(required=False, allow_blank=True)
    value_direction = serializers.CharField(required=False, allow_blank=True)
    votes_by_group = serializers.DictField(
        required=False,
        child=serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=1000)),
        help_text=_('Optional: {"A": {"for": 3, "against": 0, "abstaining": 0}, ...}.'),
    )
    follow_up_date = serializers.DateField(required=False, allow_null=True)
    apply_transition = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text=_("For stop: why the innovation is stopped.")
    )
    learning = serializers.CharField(
        required=False, allow_blank=True, help_text=_("For stop: what was learned.")
    )
    mandate_card = MandateCardIn(
        required=False,
        allow_null=True,
        help_text=_(
            "For mandate and amend_mandate: the mandate card (an amendment gives only the "
            "parts it changes)."
        ),
    )


class FollowUpOut(MarkedRecordOut):
    committee = serializers.IntegerField(source="meeting.committee_id", read_only=True)
    meeting_date = serializers.DateField(source="meeting.date", read_only=True)
    corrections = CorrectionOut(many=True, read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "innovation",
            "meeting",
            "meeting_date",
            "committee",
            "agenda_item",
            "agenda_entry",
            "on_closed_item",
            "case_number",
            "kle_code",
            "assessment",
            "summary",
            "taken_note",
            "transition",
            "recorded_by",
            "recorded_at",
            "corrections",
            "corrected",
            "annulled",
        ]


class FollowUpCreatedOut(FollowUpOut, RecordedOut):
    class Meta(FollowUpOut.Meta):
        fields = [*FollowUpOut.Meta.fields, "applied", "innovation_state"]


class FollowUpIn(serializers.Serializer):
    innovation = ScopedPrimaryKeyField(scope=_visible_innovations, model=Innovation)
    meeting = ScopedPrimaryKeyField(scope=organisation_selectors.visible_meetings, model=Meeting)
    agenda_item = model_field(
        FollowUp,
        "agenda_item",
        required=False,
        allow_blank=True,
        help_text=_("Required unless agenda_entry is given: then the item's number and title."),
    )
    agenda_entry = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("The agenda item (from the meeting system) the record is taken on."),
    )
    case_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    kle_code = serializers.CharField(required=False, allow_blank=True, max_length=20)
    assessment = serializers.ChoiceField(choices=Assessment.choices)
    summary = serializers.CharField()
    taken_note = serializers.CharField(required=False, allow_blank=True)
    readings = serializers.DictField(
        child=ReadingIn(),
        required=False,
        help_text=_("The current reading per indicator of the mandate card, by indicator id."),
    )
    serves = serializers.ChoiceField(
        choices=Fidelity.choices,
        required=False,
        allow_blank=True,
        help_text=_("Does the work still serve the mandate's value direction?"),
    )
    serves_why = serializers.CharField(required=False, allow_blank=True)
    transition = serializers.ChoiceField(
        choices=transition_choices(EvidenceKind.FOLLOW_UP), required=False, allow_blank=True
    )
    apply_transition = serializers.BooleanField(required=False, default=False)


class CorrectionIn(serializers.Serializer):
    decision = ScopedPrimaryKeyField(scope=_visible_decisions, model=Decision, required=False)
    follow_up = ScopedPrimaryKeyField(scope=_visible_follow_ups, model=FollowUp, required=False)
    reason = serializers.CharField()
    corrected_values = serializers.DictField(
        help_text=_(
            "The corrected values by field: for a decision innovation, meeting, agenda_item, "
            "outcome, transition, resolution, votes_for, votes_against, votes_abstaining, "
            "minority_statements, value_direction, follow_up_date; for a follow-up "
            "innovation, meeting, agenda_item, transition, summary, taken_note, assessment. "
            '{"annulled": true} annuls the record.'
        )
    )

    def validate(self, attrs):
        if bool(attrs.get("decision")) == bool(attrs.get("follow_up")):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Correct exactly one decision or follow-up.")]}
            )
        return attrs


# --- Checkpoints and notifications ----------------------------------------------------------


class CheckpointOut(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Checkpoint
        fields = [
            "id",
            "innovation",
            "kind",
            "title",
            "due_date",
            "overdue",
            "status",
            "committee",
            "responsible",
            "responsible_person",
            "source",
            "state",
            "origin_decision",
            "waived_reason",
            "completed_at",
            "completed_by",
            "closed_at",
            "created_at",
        ]

    def get_overdue(self, checkpoint) -> bool:
        return checkpoint.is_overdue(on=local_today())


class WaiveIn(serializers.Serializer):
    reason = serializers.CharField()


class NotificationOut(serializers.ModelSerializer):
    data = serializers.DictField(allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "verb", "description", "level", "unread", "timestamp", "url", "data"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, notification) -> str:
        return (notification.data or {}).get("url", "")


class UnreadCountOut(serializers.Serializer):
    unread_count = serializers.IntegerField()


class MarkedReadOut(serializers.Serializer):
    marked = serializers.IntegerField()


# --- Timeline -------------------------------------------------------------------------------


class TransitionLogOut(serializers.Serializer):
    id = serializers.IntegerField()
    transition = serializers.CharField()
    source = serializers.CharField()
    target = serializers.CharField()
    actor = serializers.IntegerField(source="actor_id")
    decision = serializers.SerializerMethodField()
    follow_up = serializers.SerializerMethodField()
    on_closed_item = serializers.SerializerMethodField(
        help_text="The move rests on a decision or follow-up taken on a closed agenda item."
    )
    reason = serializers.SerializerMethodField()
    learning = serializers.SerializerMethodField()

    def get_reason(self, entry) -> str:
        return "" if getattr(entry, "evidence_hidden", False) else entry.reason

    def get_learning(self, entry) -> str:
        return "" if getattr(entry, "evidence_hidden", False) else entry.learning

    # The evidence of a move on a closed item is not named to those who may not see it.
    def get_decision(self, entry) -> int | None:
        return None if getattr(entry, "evidence_hidden", False) else entry.decision_id

    def get_follow_up(self, entry) -> int | None:
        return None if getattr(entry, "evidence_hidden", False) else entry.follow_up_id

    def get_on_closed_item(self, entry) -> bool:
        return bool(getattr(entry, "on_closed_item", False))


class AuditEventOut(serializers.Serializer):
    """An administrative change: who, when, and each field's value before and after."""

    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    actor_name = serializers.SerializerMethodField()
    action = serializers.CharField()
    object_type = serializers.CharField(source="content_type.model")
    object_id = serializers.CharField()
    object_repr = serializers.CharField()
    changes = serializers.DictField(child=serializers.ListField())

    def get_actor_name(self, event) -> str:
        return event.actor.get_full_name() if event.actor else ""


class TimelineEntryOut(serializers.Serializer):
    """One item; exactly the object named by ``type`` is filled, the others are null."""

    type = serializers.ChoiceField(
        choices=["decision", "follow_up", "correction", "transition", "checkpoint", "audit"]
    )
    at = serializers.DateTimeField()
    decision = serializers.SerializerMethodField()
    follow_up = serializers.SerializerMethodField()
    correction = serializers.SerializerMethodField()
    transition = serializers.SerializerMethodField()
    checkpoint = serializers.SerializerMethodField()
    audit = serializers.SerializerMethodField()

    def _item(self, entry, kind, serializer):
        return serializer(entry.item).data if entry.type == kind else None

    @extend_schema_field(DecisionOut(allow_null=True))
    def get_decision(self, entry):
        return self._item(entry, "decision", DecisionOut)

    @extend_schema_field(FollowUpOut(allow_null=True))
    def get_follow_up(self, entry):
        return self._item(entry, "follow_up", FollowUpOut)

    @extend_schema_field(CorrectionOut(allow_null=True))
    def get_correction(self, entry):
        return self._item(entry, "correction", CorrectionOut)

    @extend_schema_field(TransitionLogOut(allow_null=True))
    def get_transition(self, entry):
        return self._item(entry, "transition", TransitionLogOut)

    @extend_schema_field(CheckpointOut(allow_null=True))
    def get_checkpoint(self, entry):
        return self._item(entry, "checkpoint", CheckpointOut)

    @extend_schema_field(AuditEventOut(allow_null=True))
    def get_audit(self, entry):
        return self._item(entry, "audit", AuditEventOut)


# --- Dashboard and workflow -----------------------------------------------------------------


class PortfolioQueryIn(serializers.Serializer):
    organisation = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    committee = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    since = serializers.DateField(required=False)


class CommitteeCountOut(serializers.Serializer):
    committee = serializers.IntegerField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    active = serializers.IntegerField()


class MonthCountOut(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    count = serializers.IntegerField()
    approved = serializers.IntegerField()


class ReusedOut(serializers.Serializer):
    from_others = serializers.IntegerField()
    by_others = serializers.IntegerField()


class MandateShareOut(serializers.Serializer):
    evaluated = serializers.IntegerField()
    met = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class PortfolioOut(serializers.Serializer):
    by_state = serializers.DictField(child=serializers.IntegerField())
    by_committee = CommitteeCountOut(many=True)
    overdue_checkpoints = serializers.IntegerField()
    median_days_in_state = serializers.DictField(child=serializers.FloatField())
    decisions_per_month = MonthCountOut(many=True)
    reused = ReusedOut()
    shared = serializers.IntegerField()
    mandates = MandateShareOut(
        help_text=_(
            "Of the innovations evaluated against a mandate card, how many met their mandate "
            "(the value direction realised and every target reached)."
        )
    )


class WorkflowStateOut(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    active = serializers.BooleanField()
    final = serializers.BooleanField()


class WorkflowTransitionOut(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    sources = serializers.ListField(child=serializers.CharField())
    target = serializers.CharField()
    targets = serializers.ListField(child=serializers.CharField())
    requires = serializers.ChoiceField(choices=["decision", "follow_up"])
    conditions = serializers.ListField(child=serializers.CharField())


class WorkflowOut(serializers.Serializer):
    initial = serializers.CharField()
    states = WorkflowStateOut(many=True)
    transitions = WorkflowTransitionOut(many=True)


# --- Auth -----------------------------------------------------------------------------------


class TokenIn(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)


class TokenOut(serializers.Serializer):
    token = serializers.CharField()
    name = serializers.CharField()
    expires_at = serializers.DateTimeField()


# --- Webhooks -------------------------------------------------------------------------------


class WebhookOut(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "organisation",
            "url",
            "events",
            "active",
            "closed_items",
            "description",
            "created_at",
        ]


class WebhookCreatedOut(WebhookOut):
    """Only the answer to the registration shows the signing secret."""

    class Meta(WebhookOut.Meta):
        fields = [*WebhookOut.Meta.fields, "secret"]


class WebhookIn(serializers.Serializer):
    url = serializers.URLField(max_length=1000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices), allow_empty=False
    )
    active = serializers.BooleanField(required=False, default=True)
    closed_items = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Also send decisions and follow-ups taken on closed agenda items."),
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)


class WebhookDeliveryOut(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    payload = serializers.DictField()

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event_id",
            "event_type",
            "payload",
            "status",
            "attempts",
            "response_code",
            "error",
            "replay_of",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "delivered_at",
        ]
