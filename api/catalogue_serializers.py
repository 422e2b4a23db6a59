"""Serializers of the catalogue, sharing, reuse, documentation, evaluation and the barometer.

``*In`` parse a request, ``*Out`` shape a response. A catalogue entry is serialized from
``innovations.catalogue.CatalogueEntry`` only, never from an ``Innovation``: the entry is the
whitelist of what may cross between organisations.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from decisions.mandate import Verdict
from innovations import csv_export
from innovations.models import (
    DocumentKind,
    Effect,
    EffectBasis,
    EvaluationMethod,
    InnovationType,
    SpreadingRecommendation,
    State,
    StatusAssessment,
    Value,
)
from organisations import selectors as organisation_selectors
from organisations.models import Committee

from .mandate_serializers import MandateResultOut
from .serializers import ScopedPrimaryKeyField

# --- The catalogue --------------------------------------------------------------------------


class CatalogueQueryIn(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("Danish full-text search.")
    )
    innovation_type = serializers.ChoiceField(choices=InnovationType.choices, required=False)
    value = serializers.ChoiceField(choices=Value.choices, required=False)
    phase = serializers.ChoiceField(choices=State.choices, required=False)
    region = serializers.RegexField(
        r"^[0-9]{4}$", required=False, help_text=_("A region's official code, e.g. 1084.")
    )
    evaluated = serializers.BooleanField(required=False, allow_null=True, default=None)


class EvaluationSummaryOut(serializers.Serializer):
    method = serializers.ChoiceField(choices=EvaluationMethod.choices)
    effects = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text=_("Per value: effect (improved, unchanged, worse, unknown) and basis."),
    )
    spreading = serializers.CharField()
    submitted_on = serializers.DateField()


class CatalogueEntryOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    need = serializers.CharField()
    value_direction = serializers.CharField()
    solution = serializers.CharField()
    shared_summary = serializers.CharField()
    phase = serializers.ChoiceField(choices=State.choices)
    phase_label = serializers.CharField()
    contact_role = serializers.CharField()
    innovation_types = serializers.ListField(child=serializers.CharField())
    intended_values = serializers.ListField(child=serializers.CharField())
    kle_code = serializers.CharField()
    shared_at = serializers.DateTimeField(allow_null=True)
    organisation_id = serializers.IntegerField()
    organisation_code = serializers.CharField()
    organisation_name = serializers.CharField()
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    evaluated = serializers.BooleanField()
    evaluation = EvaluationSummaryOut(allow_null=True)
    against_mandate = MandateResultOut(
        allow_null=True,
        default=None,
        help_text=_("The result of the latest evaluation against the mandate card."),
    )
    reuse_count = serializers.IntegerField()
    named_reusers = serializers.ListField(child=serializers.CharField())
    is_own = serializers.BooleanField()
    rank = serializers.FloatField()
    title_highlight = serializers.CharField(
        help_text=_("The title as escaped HTML with <mark> around the matches.")
    )
    body_highlight = serializers.CharField(
        help_text=_("Fragments of the text as escaped HTML with <mark> around the matches.")
    )


def _own_committees(user):
    return organisation_selectors.visible_committees(user)


class ReuseIn(serializers.Serializer):
    committee = ScopedPrimaryKeyField(
        scope=_own_committees,
        model=Committee,
        required=False,
        allow_null=True,
        help_text=_("Your committee for it; by default the council."),
    )
    named = serializers.BooleanField(
        default=False, help_text=_("Your organisation agrees to be named on the entry.")
    )


class ReuseNamingIn(serializers.Serializer):
    named = serializers.BooleanField(
        help_text=_("Your organisation agrees to be named on the reused innovation's entry.")
    )


class ReuseNamingOut(serializers.Serializer):
    innovation = serializers.IntegerField(source="innovation_id")
    origin = serializers.IntegerField(source="origin_id")
    named = serializers.BooleanField()


# --- Sharing --------------------------------------------------------------------------------


class ShareIn(serializers.Serializer):
    contact_role = serializers.CharField(required=False, allow_blank=True, max_length=200)
    shared_summary = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class SharingOut(serializers.Serializer):
    id = serializers.IntegerField()
    shared = serializers.BooleanField()
    shared_at = serializers.DateTimeField(allow_null=True)
    contact_role = serializers.CharField()
    shared_summary = serializers.CharField()


# --- Documents, status reports, evaluations -------------------------------------------------


class DocumentIn(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=DocumentKind.choices, default=DocumentKind.DOCUMENTATION)
    file = serializers.FileField(required=False, allow_empty_file=True, use_url=False)
    link = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class DocumentOut(serializers.Serializer):
    id = serializers.IntegerField()
    innovation = serializers.IntegerField(source="innovation_id")
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField(allow_null=True)
    link = serializers.CharField()
    download = serializers.SerializerMethodField()
    uploaded_by = serializers.IntegerField(source="uploaded_by_id")
    uploaded_at = serializers.DateTimeField()

    def get_download(self, document) -> str | None:
        if not document.file:
            return None
        request = self.context.get("request")
        path = f"/api/v1/documents/{document.pk}/file/"
        return request.build_absolute_uri(path) if request else path


class StatusReportIn(serializers.Serializer):
    assessment = serializers.ChoiceField(choices=StatusAssessment.choices)
    summary = serializers.CharField(max_length=20000)
    next_steps = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    document = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class StatusReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    innovation = serializers.IntegerField(source="innovation_id")
    assessment = serializers.ChoiceField(choices=StatusAssessment.choices)
    summary = serializers.CharField()
    next_steps = serializers.CharField()
    document = serializers.IntegerField(source="document_id", allow_null=True)
    submitted_by = serializers.IntegerField(source="submitted_by_id")
    submitted_at = serializers.DateTimeField()


class EffectIn(serializers.Serializer):
    effect = serializers.ChoiceField(choices=Effect.choices)
    basis = serializers.ChoiceField(choices=EffectBasis.choices, default=EffectBasis.ASSESSED)
    text = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class EvaluationIn(serializers.Serializer):
    method = serializers.ChoiceField(choices=EvaluationMethod.choices)
    effects = serializers.DictField(
        child=EffectIn(), required=False, help_text=_("Per value (quality, efficiency, ...).")
    )
    learning = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    recommendation = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    spreading = serializers.ChoiceField(
        choices=SpreadingRecommendation.choices, required=False, allow_blank=True
    )

    results = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text=_(
            "With a mandate card: the measured result per indicator id, a number or "
            '{"value", "note"}.'
        ),
    )
    verdict = serializers.ChoiceField(
        choices=Verdict.choices,
        required=False,
        allow_blank=True,
        help_text=_("With a mandate card: was the value direction realised?"),
    )
    verdict_why = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    def validate_effects(self, effects: dict) -> dict:
        unknown = sorted(set(effects) - set(Value.values))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown value: %(values)s.") % {"values": ", ".join(unknown)}
            )
        return {key: dict(effect) for key, effect in effects.items()}


class EvaluationOut(serializers.Serializer):
    id = serializers.IntegerField()
    innovation = serializers.IntegerField(source="innovation_id")
    method = serializers.ChoiceField(choices=EvaluationMethod.choices)
    effects = serializers.JSONField()
    learning = serializers.CharField()
    recommendation = serializers.CharField()
    spreading = serializers.CharField()
    value_direction = serializers.CharField()
    intended_values = serializers.ListField(child=serializers.CharField())
    submitted_by = serializers.IntegerField(source="submitted_by_id")
    submitted_at = serializers.DateTimeField()
    against_mandate = MandateResultOut(
        allow_null=True,
        read_only=True,
        help_text=_("The result against the mandate card, when it was held against one."),
    )


# --- The barometer --------------------------------------------------------------------------


class BarometerQueryIn(serializers.Serializer):
    start = serializers.DateField(required=False, help_text=_("By default 1 January this year."))
    end = serializers.DateField(required=False, help_text=_("By default today."))
    organisation = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("Superusers only: another organisation."),
    )
    national = serializers.BooleanField(
        required=False, default=False, help_text=_("Superusers only: across all organisations.")
    )


class BarometerCsvQueryIn(BarometerQueryIn):
    format = serializers.ChoiceField(
        choices=list(csv_export.FORMATS),
        required=False,
        default=csv_export.EXCEL,
        help_text=_(
            "excel (default): semicolons, Danish headers and values, dd-mm-yyyy, UTF-8 BOM; "
            "rfc4180: commas, English keys, ISO dates, no BOM."
        ),
    )


class FigureOut(serializers.Serializer):
    group = serializers.ChoiceField(choices=["headline", "collaboration", "types", "values"])
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    denominator = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text=_("Percent; null when 0 of 0."))
    national_share = serializers.IntegerField(allow_null=True)
    national_edition = serializers.CharField()


class EditionOut(serializers.Serializer):
    edition = serializers.CharField()
    name = serializers.CharField()
    measured = serializers.CharField()
    published = serializers.CharField(required=False)
    answers = serializers.IntegerField()
    response_rate = serializers.IntegerField()


class BarometerOrganisationOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class BarometerOut(serializers.Serializer):
    organisation = BarometerOrganisationOut(allow_null=True)
    start = serializers.DateField()
    end = serializers.DateField()
    total = serializers.IntegerField()
    evaluated = serializers.IntegerField()
    figures = FigureOut(many=True)
    national_source = serializers.CharField()
    editions = EditionOut(many=True)
    per_organisation = serializers.ListField(child=serializers.DictField())
