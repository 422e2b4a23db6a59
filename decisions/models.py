"""The political evidence: decisions, follow-ups, corrections, and the transition log.

All four are immutable once recorded. The model layer refuses ``save()`` of an existing
row, ``delete()``, and queryset ``update()``/``delete()``; on the database a trigger
(migration 0002) refuses a raw ``UPDATE`` or ``DELETE``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from agenda.models import Attendance
from core.enums import APPROVED_OUTCOMES, EvidenceKind, Outcome
from core.querysets import OrganisationScopedQuerySet
from core.records import ImmutableQuerySet, ImmutableRecord
from innovations.workflow import transition_choices
from organisations.models import Membership, MembershipRole

# More votes than any council has members: a typing mistake. The one place of this rule:
# the services run the model's validators (``clean_fields``), the forms and serializers
# take their fields from here.
MAX_VOTES = 1000


# How long a text of the minutes may be. A resolution is a page or two of the minutes; a
# statement or a value direction a paragraph or a few. Over the limit the record is refused
# with the limit and the length (a pasted document is a mistake, not a resolution).
RESOLUTION_MAX_LENGTH = 10_000
STATEMENT_MAX_LENGTH = 4_000


class TextLengthValidator(MaxLengthValidator):
    message = _("The text has %(show_value)d characters; at most %(limit_value)d are allowed.")


def text_limit(limit: int) -> list[TextLengthValidator]:
    return [TextLengthValidator(limit)]


def max_length_of(model: type[models.Model], field: str) -> int | None:
    """The limit a field's length validator sets, for forms and counters (one source)."""
    for validator in model._meta.get_field(field).validators:
        if isinstance(validator, MaxLengthValidator):
            return int(validator.limit_value)
    return None


def field_errors(model: type[models.Model], values: dict) -> dict[str, list[str]]:
    """The model fields' own validators run on ``values`` (lengths): the services' check."""
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        if value in (None, ""):
            continue
        try:
            model._meta.get_field(name).run_validators(value)
        except ValidationError as error:
            errors.setdefault(name, []).extend(str(m) for m in error.messages)
    return errors


VOTING_ROLES = (MembershipRole.CHAIR, MembershipRole.VICE_CHAIR, MembershipRole.MEMBER)


def voting_members(committee_id: int, day: datetime.date) -> int:
    """How many people sat on the committee, with a vote, on ``day``."""
    return (
        Membership.objects.valid_on(day)
        .filter(committee_id=committee_id, role__in=VOTING_ROLES)
        .values("person")
        .distinct()
        .count()
    )


def votes_error(meeting, votes_for, votes_against, votes_abstaining) -> str | None:
    """Why the votes cannot be right for the meeting's committee, or None.

    The votes cast (for, against, abstaining) cannot outnumber the members the committee had
    on the meeting's day (``Membership.objects.valid_on``); fewer is fine: members may be
    absent. When the meeting's attendance is recorded, the votes are checked against those
    present instead (``decisions.agenda``), substitutes included.
    """
    cast = sum(v for v in (votes_for, votes_against, votes_abstaining) if v)
    if not cast or Attendance.objects.filter(meeting=meeting).exists():
        return None
    members = voting_members(meeting.committee_id, meeting.date)
    if cast <= members:
        return None
    day = formats.date_format(meeting.date, "SHORT_DATE_FORMAT")
    if not members:
        return str(
            _(
                "%(committee)s had no members registered in Spor on %(date)s, so the votes "
                "cannot be checked: leave them empty, or register the committee's members first."
            )
            % {"committee": meeting.committee.name, "date": day}
        )
    return str(
        _(
            "%(cast)d votes in all (for, against and abstaining), but %(committee)s had "
            "%(members)d members on %(date)s."
        )
        % {"cast": cast, "committee": meeting.committee.name, "members": members, "date": day}
    )


class Assessment(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


class EvidenceQuerySet(ImmutableQuerySet, OrganisationScopedQuerySet):
    organisation_field = "innovation__organisation"


class DecisionQuerySet(EvidenceQuerySet):
    def approved(self) -> DecisionQuerySet:
        """The decisions that authorise their transition: approved, with or without changes."""
        return self.filter(outcome__in=APPROVED_OUTCOMES)


class Decision(ImmutableRecord):
    """A decision item (beslutningssag) recorded for a committee meeting."""

    evidence_kind = EvidenceKind.DECISION

    # True on the record as it stands after a correction that annulled it
    # (``decisions.selectors.effective_record``); never a column.
    annulled = False
    corrected = False

    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    meeting = models.ForeignKey(
        "organisations.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    agenda_item = models.CharField(_("agenda item"), max_length=200)
    agenda_entry = models.ForeignKey(
        "agenda.AgendaItem",
        verbose_name=_("agenda item from the meeting system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    # defaults in the database too: rows inserted by SQL (the audit chain's tests, an
    # operator's repair) need not name the columns this migration added
    case_number = models.CharField(
        _("case number"), max_length=100, blank=True, default="", db_default=""
    )
    kle_code = models.CharField(_("KLE code"), max_length=20, blank=True, default="", db_default="")
    transition = models.CharField(
        _("transition decided on"), max_length=40, choices=transition_choices, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices)
    resolution = models.TextField(
        _("resolution text"), validators=text_limit(RESOLUTION_MAX_LENGTH)
    )
    votes_for = models.PositiveIntegerField(
        _("votes for"), null=True, blank=True, validators=[MaxValueValidator(MAX_VOTES)]
    )
    votes_against = models.PositiveIntegerField(
        _("votes against"), null=True, blank=True, validators=[MaxValueValidator(MAX_VOTES)]
    )
    votes_abstaining = models.PositiveIntegerField(
        _("abstaining"), null=True, blank=True, validators=[MaxValueValidator(MAX_VOTES)]
    )
    minority_statements = models.TextField(
        _("minority statements"), blank=True, validators=text_limit(STATEMENT_MAX_LENGTH)
    )
    votes_by_group = models.JSONField(
        _("votes per party group"),
        default=dict,
        db_default=models.Value({}, output_field=models.JSONField()),
        blank=True,
        help_text=_('For example {"A": {"for": 3, "against": 0, "abstaining": 0}}.'),
    )
    value_direction = models.TextField(
        _("value direction"), blank=True, validators=text_limit(STATEMENT_MAX_LENGTH)
    )
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting__date", "-recorded_at", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [
            models.Index(fields=["innovation", "transition", "outcome"]),
            models.Index(fields=["meeting"]),
            models.Index(fields=["recorded_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.agenda_item}"

    @property
    def on_closed_item(self) -> bool:
        return bool(self.agenda_entry_id and self.agenda_entry.closed)

    @property
    def is_approved(self) -> bool:
        return self.outcome in APPROVED_OUTCOMES

    def clean(self) -> None:
        super().clean()
        if self.meeting_id:
            problem = votes_error(
                self.meeting, self.votes_for, self.votes_against, self.votes_abstaining
            )
            if problem:
                raise ValidationError({"votes_for": problem})


class FollowUp(ImmutableRecord):
    """An item for information (orienteringssag): a status report the committee took note of."""

    evidence_kind = EvidenceKind.FOLLOW_UP

    annulled = False  # as on Decision
    corrected = False

    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    meeting = models.ForeignKey(
        "organisations.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    agenda_item = models.CharField(_("agenda item"), max_length=200)
    agenda_entry = models.ForeignKey(
        "agenda.AgendaItem",
        verbose_name=_("agenda item from the meeting system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    # defaults in the database too: rows inserted by SQL (the audit chain's tests, an
    # operator's repair) need not name the columns this migration added
    case_number = models.CharField(
        _("case number"), max_length=100, blank=True, default="", db_default=""
    )
    kle_code = models.CharField(_("KLE code"), max_length=20, blank=True, default="", db_default="")
    assessment = models.CharField(_("assessment"), max_length=20, choices=Assessment.choices)
    summary = models.TextField(_("status report"), validators=text_limit(RESOLUTION_MAX_LENGTH))
    taken_note = models.TextField(
        _("what the committee took note of or asked for"),
        blank=True,
        validators=text_limit(STATEMENT_MAX_LENGTH),
    )
    transition = models.CharField(
        _("transition it documents"), max_length=40, choices=transition_choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting__date", "-recorded_at", "-id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            models.Index(fields=["innovation", "transition"]),
            models.Index(fields=["meeting"]),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.agenda_item}"

    @property
    def on_closed_item(self) -> bool:
        return bool(self.agenda_entry_id and self.agenda_entry.closed)


class Correction(ImmutableRecord):
    """Corrects a recorded decision or follow-up; the original stays as it was recorded."""

    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    follow_up = models.ForeignKey(
        FollowUp,
        verbose_name=_("follow-up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    reason = models.TextField(_("why"), validators=text_limit(STATEMENT_MAX_LENGTH))
    corrected_values = models.JSONField(_("corrected values"), default=dict)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        constraints = [
            models.CheckConstraint(
                condition=(Q(decision__isnull=False) & Q(follow_up__isnull=True))
                | (Q(decision__isnull=True) & Q(follow_up__isnull=False)),
                name="correction_targets_exactly_one_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Correction')} {self.recorded_at:%d.%m.%Y}"

    @property
    def target(self) -> Decision | FollowUp:
        return self.decision if self.decision_id else self.follow_up


class TransitionLog(ImmutableRecord):
    """Append-only: one row per applied transition, written in the same transaction."""

    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        on_delete=models.PROTECT,
        related_name="transition_log",
    )
    transition = models.CharField(_("transition"), max_length=40)
    source = models.CharField(_("from"), max_length=20)
    target = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    follow_up = models.ForeignKey(
        FollowUp,
        verbose_name=_("follow-up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    learning = models.TextField(_("learning"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")
        indexes = [models.Index(fields=["innovation", "at"])]
        constraints = [
            # A piece of evidence authorises one transition, once.
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(decision__isnull=False),
                name="log_decision_used_once",
            ),
            models.UniqueConstraint(
                fields=["follow_up"],
                condition=Q(follow_up__isnull=False),
                name="log_follow_up_used_once",
            ),
            models.CheckConstraint(
                condition=Q(decision__isnull=True) | Q(follow_up__isnull=True),
                name="log_one_piece_of_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.innovation}: {self.source} → {self.target}"


# The mandate card and what is held against it live in their own module (``mandate.py``);
# imported here so Django registers them with this app.
from .mandate import (  # noqa: E402, F401
    IndicatorReading,
    IndicatorResult,
    InvolvementActivity,
    MandateCard,
    MandateEvaluation,
    MandateIndicator,
    ValueDirectionCheck,
)
