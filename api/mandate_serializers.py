"""Input and output of the mandate card, the involvement log and the result against the card.

Built from the models' fields (lengths, ranges and choices live there); the services check
the whole.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from decisions.mandate import (
    IndicatorReading,
    InvolvedGroup,
    InvolvementActivity,
    MandateCard,
    MandateIndicator,
    ValueDirectionCheck,
    Verdict,
)


class IndicatorIn(serializers.ModelSerializer):
    class Meta:
        model = MandateIndicator
        fields = ["name", "unit", "baseline", "baseline_date", "target", "measurement"]


class MandateCardIn(serializers.ModelSerializer):
    """A card with a mandate decision; for an amendment only the parts that change."""

    indicators = IndicatorIn(many=True, required=False)
    involve = serializers.ListField(
        child=serializers.ChoiceField(choices=InvolvedGroup.choices), required=False
    )

    class Meta:
        model = MandateCard
        fields = [
            "value_direction",
            "budget",
            "deadline",
            "scope",
            "solution_space",
            "indicators",
            "involve",
            "follow_up_months",
            "stop_criteria",
        ]
        extra_kwargs = {"value_direction": {"required": False}}

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "indicators" in values:
            values["indicators"] = [dict(item) for item in values["indicators"]]
        return dict(values)


class IndicatorOut(serializers.ModelSerializer):
    class Meta:
        model = MandateIndicator
        fields = [
            "id",
            "position",
            "name",
            "unit",
            "baseline",
            "baseline_date",
            "target",
            "measurement",
        ]


class MandateCardOut(serializers.ModelSerializer):
    indicators = IndicatorOut(many=True, read_only=True)
    meeting_date = serializers.DateField(source="decision.meeting.date", read_only=True)

    class Meta:
        model = MandateCard
        fields = [
            "id",
            "version",
            "decision",
            "meeting_date",
            "value_direction",
            "budget",
            "deadline",
            "scope",
            "solution_space",
            "indicators",
            "involve",
            "follow_up_months",
            "stop_criteria",
            "changed_fields",
            "recorded_at",
        ]


class IndicatorReadingOut(serializers.ModelSerializer):
    class Meta:
        model = IndicatorReading
        fields = ["indicator", "value", "note"]


class ValueDirectionCheckOut(serializers.ModelSerializer):
    follow_up = serializers.IntegerField(source="follow_up_id")
    meeting_date = serializers.DateField(source="follow_up.meeting.date")
    readings = IndicatorReadingOut(many=True, source="follow_up.indicator_readings")

    class Meta:
        model = ValueDirectionCheck
        fields = ["follow_up", "meeting_date", "card", "serves", "why", "involvement", "readings"]


class IndicatorOutcomeOut(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField()
    baseline = serializers.CharField()
    target = serializers.CharField()
    measured = serializers.CharField()
    reached = serializers.BooleanField()


class MandateResultOut(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    verdict_label = serializers.CharField()
    met = serializers.BooleanField(
        help_text=_("The value direction realised and every indicator's target reached.")
    )
    indicators = IndicatorOutcomeOut(many=True)


class MandateOut(serializers.Serializer):
    """Every version of the card (oldest first), the follow-ups against it, the result."""

    versions = MandateCardOut(many=True)
    follow_ups = ValueDirectionCheckOut(many=True)
    result = MandateResultOut(allow_null=True)


class ParticipantsIn(serializers.Serializer):
    """The number who took part from each group (leave out the groups that did not)."""

    def get_fields(self):
        return {
            group: serializers.IntegerField(
                required=False, min_value=1, max_value=100000, help_text=str(label)
            )
            for group, label in InvolvedGroup.choices
        }


class InvolvementIn(serializers.ModelSerializer):
    participants = ParticipantsIn(
        help_text=_("The number who took part, per group: citizens, companies, staff, ...")
    )

    class Meta:
        model = InvolvementActivity
        fields = ["date", "form", "title", "participants", "learned", "platform_url"]

    def validate_participants(self, value: dict) -> dict:
        return dict(value)


class InvolvementOut(serializers.ModelSerializer):
    class Meta:
        model = InvolvementActivity
        fields = [
            "id",
            "innovation",
            "phase",
            "date",
            "form",
            "title",
            "participants",
            "learned",
            "platform_url",
            "recorded_by",
            "recorded_at",
        ]


class ReadingIn(serializers.Serializer):
    value = serializers.DecimalField(max_digits=16, decimal_places=4)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
