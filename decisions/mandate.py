"""The mandate card and what is held against it: readings, involvement, the evaluation.

An approved ``mandate`` decision records a ``MandateCard``; an approved ``amend_mandate``
decision records the next version of it. Cards, their indicators, the indicator readings of
follow-ups, the value-direction check of a follow-up and the evaluation against the card
are evidence: immutable like decisions (the model layer refuses changes, and migration
0005's trigger refuses a raw ``UPDATE`` or ``DELETE``). The involvement log is the
administration's working record of who took part in exploration and testing.

The rules (lengths, ranges, choices) live on these fields; the services call
``full_clean()``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.records import ImmutableRecord

TEXT_LIMIT = [MaxLengthValidator(4000)]


class InvolvedGroup(models.TextChoices):
    """Whom a mandate asks the administration to involve (a fixed list)."""

    CITIZENS = "citizens", _("Citizens")
    COMPANIES = "companies", _("Companies")
    STAFF = "staff", _("Staff")
    MANAGERS = "managers", _("Managers")
    OTHER_COMMITTEES = "other_committees", _("Other committees")
    RESEARCHERS = "researchers", _("Researchers")
    OTHER_MUNICIPALITIES = "other_municipalities", _("Other municipalities")


# The fields of a card that a version carries, in the order the card reads.
CARD_FIELDS = (
    "value_direction",
    "budget",
    "deadline",
    "scope",
    "solution_space",
    "indicators",
    "involve",
    "follow_up_months",
    "stop_criteria",
)


class MandateCard(ImmutableRecord):
    """One version of an innovation's mandate, recorded with the decision that gave it."""

    decision = models.OneToOneField(
        "decisions.Decision",
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="mandate_card",
    )
    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        on_delete=models.PROTECT,
        related_name="mandate_cards",
    )
    version = models.PositiveSmallIntegerField(_("version"), validators=[MinValueValidator(1)])
    value_direction = models.TextField(_("value direction"), validators=TEXT_LIMIT)
    budget = models.DecimalField(
        _("budget (DKK)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("999999999999"))],
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    scope = models.TextField(_("scope"), blank=True, validators=TEXT_LIMIT)
    solution_space = models.TextField(
        _("what is deliberately left open"), blank=True, validators=TEXT_LIMIT
    )
    involve = ArrayField(
        models.CharField(max_length=30, choices=InvolvedGroup.choices),
        verbose_name=_("whom to involve"),
        default=list,
        blank=True,
    )
    follow_up_months = models.PositiveSmallIntegerField(
        _("follow-up every (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    stop_criteria = models.TextField(
        _("when the committee would stop"), blank=True, validators=TEXT_LIMIT
    )
    # For an amendment: the card fields it changed against the version before.
    changed_fields = ArrayField(
        models.CharField(max_length=40), verbose_name=_("changed"), default=list, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["innovation", "version"]
        verbose_name = _("mandate card")
        verbose_name_plural = _("mandate cards")
        constraints = [
            models.UniqueConstraint(
                fields=["innovation", "version"], name="mandate_card_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.innovation_id} v{self.version}"

    def clean(self) -> None:
        unknown = [g for g in self.involve if g not in InvolvedGroup.values]
        if unknown:
            raise ValidationError({"involve": _("Choose from the groups listed.")})
        if not (self.value_direction or "").strip():
            raise ValidationError({"value_direction": _("A mandate needs a value direction.")})

    def involve_labels(self) -> list[str]:
        labels = dict(InvolvedGroup.choices)
        return [str(labels[g]) for g in self.involve if g in labels]


class MandateIndicator(ImmutableRecord):
    """What the committee will look at: a measure with its starting point and its target."""

    card = models.ForeignKey(
        MandateCard,
        verbose_name=_("mandate card"),
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=4)
    baseline_date = models.DateField(_("baseline measured on"))
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=4)
    measurement = models.TextField(_("how it is measured"), validators=[MaxLengthValidator(2000)])

    class Meta:
        ordering = ["card", "position"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["card", "position"], name="mandate_indicator_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def higher_is_better(self) -> bool:
        return self.target >= self.baseline

    def reached(self, value: Decimal | None) -> bool | None:
        """Whether ``value`` meets the target (in the direction from baseline to target)."""
        if value is None:
            return None
        return value >= self.target if self.higher_is_better else value <= self.target

    def same_as(self, other: MandateIndicator) -> bool:
        return all(
            getattr(self, f) == getattr(other, f)
            for f in ("name", "unit", "baseline", "baseline_date", "target", "measurement")
        )


class Fidelity(models.TextChoices):
    """Does the work still serve the value direction?"""

    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class ValueDirectionCheck(ImmutableRecord):
    """A follow-up's answer: does the work still serve the mandate's value direction, and why.

    ``involvement`` is the involvement log as the follow-up summarised it when recorded:
    ``{"activities": n, "participants": {group: n}, "forms": {form: n}}`` since the follow-up
    before.
    """

    follow_up = models.OneToOneField(
        "decisions.FollowUp",
        verbose_name=_("follow-up"),
        on_delete=models.PROTECT,
        related_name="direction_check",
    )
    card = models.ForeignKey(
        MandateCard,
        verbose_name=_("mandate card"),
        on_delete=models.PROTECT,
        related_name="direction_checks",
    )
    serves = models.CharField(
        _("still serves the value direction"), max_length=10, choices=Fidelity.choices
    )
    why = models.TextField(_("why"), validators=TEXT_LIMIT)
    involvement = models.JSONField(_("involvement since the last follow-up"), default=dict)

    class Meta:
        verbose_name = _("value direction check")
        verbose_name_plural = _("value direction checks")

    def __str__(self) -> str:
        return f"{self.follow_up_id}: {self.serves}"


class IndicatorReading(ImmutableRecord):
    """The current reading of one indicator, put before the committee with a follow-up."""

    follow_up = models.ForeignKey(
        "decisions.FollowUp",
        verbose_name=_("follow-up"),
        on_delete=models.PROTECT,
        related_name="indicator_readings",
    )
    indicator = models.ForeignKey(
        MandateIndicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="readings",
    )
    value = models.DecimalField(_("current reading"), max_digits=16, decimal_places=4)
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(2000)])

    class Meta:
        ordering = ["follow_up", "indicator__position"]
        verbose_name = _("indicator reading")
        verbose_name_plural = _("indicator readings")
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "indicator"], name="indicator_reading_once_per_follow_up"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"


class InvolvementForm(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    INTERVIEW = "interview", _("Interview")
    SURVEY = "survey", _("Survey")
    TEST = "test", _("Test")
    VISIT = "visit", _("Visit")


def validate_participants(value) -> None:
    if not isinstance(value, dict) or not value:
        raise ValidationError(_("Say who took part: at least one group with a number."))
    for group, count in value.items():
        if group not in InvolvedGroup.values:
            raise ValidationError(_("Choose from the groups listed."))
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100000:
            raise ValidationError(_("Give each group's number as a whole number from 1."))


class InvolvementActivity(models.Model):
    """One activity of the involvement log, kept while exploring and testing."""

    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        on_delete=models.PROTECT,
        related_name="involvement_activities",
    )
    phase = models.CharField(_("phase"), max_length=20)
    date = models.DateField(_("date"))
    form = models.CharField(_("form"), max_length=20, choices=InvolvementForm.choices)
    title = models.CharField(_("what took place"), max_length=200)
    participants = models.JSONField(
        _("who took part"), default=dict, validators=[validate_participants]
    )
    learned = models.TextField(_("what was learned"), validators=TEXT_LIMIT)
    platform_url = models.URLField(
        _("participation platform link"),
        max_length=500,
        blank=True,
        help_text=_("Where the activity lives on Decidim or another platform, if it does."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("involvement activity")
        verbose_name_plural = _("involvement log")
        indexes = [models.Index(fields=["innovation", "date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def participant_total(self) -> int:
        return sum(self.participants.values())

    def participant_rows(self) -> list[tuple[str, int]]:
        labels = dict(InvolvedGroup.choices)
        return [
            (str(labels.get(g, g)), n)
            for g, n in sorted(
                self.participants.items(),
                key=lambda item: (
                    InvolvedGroup.values.index(item[0]) if item[0] in InvolvedGroup.values else 99
                ),
            )
        ]


class Verdict(models.TextChoices):
    """The evaluation's verdict on the mandate's value direction."""

    REALISED = "realised", _("Realised")
    PARTLY = "partly", _("Partly realised")
    NOT = "not", _("Not realised")


class MandateEvaluation(ImmutableRecord):
    """An evaluation held against a mandate card: its verdict, and a result per indicator."""

    evaluation = models.OneToOneField(
        "innovations.Evaluation",
        verbose_name=_("evaluation"),
        on_delete=models.PROTECT,
        related_name="mandate_evaluation",
    )
    card = models.ForeignKey(
        MandateCard,
        verbose_name=_("mandate card"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    verdict = models.CharField(
        _("verdict on the value direction"), max_length=10, choices=Verdict.choices
    )
    verdict_why = models.TextField(_("why"), validators=TEXT_LIMIT)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("evaluation against the mandate")
        verbose_name_plural = _("evaluations against the mandate")

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.verdict}"

    @property
    def met(self) -> bool:
        """The mandate was met: the value direction realised and every target reached.

        Reads ``results`` (prefetch them, with their indicators, for a list).
        """
        results = list(self.results.all())
        return self.verdict == Verdict.REALISED and all(r.reached for r in results)


class IndicatorResult(ImmutableRecord):
    """An indicator's measured result in an evaluation against the card."""

    mandate_evaluation = models.ForeignKey(
        MandateEvaluation,
        verbose_name=_("evaluation against the mandate"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    indicator = models.ForeignKey(
        MandateIndicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    measured = models.DecimalField(_("measured result"), max_digits=16, decimal_places=4)
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(2000)])

    class Meta:
        ordering = ["mandate_evaluation", "indicator__position"]
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")
        constraints = [
            models.UniqueConstraint(
                fields=["mandate_evaluation", "indicator"], name="indicator_result_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.measured}"

    @property
    def reached(self) -> bool:
        return bool(self.indicator.reached(self.measured))
