"""The political evidence: decisions, follow-ups, corrections, and the transition log.

All four are immutable once recorded. The model layer refuses ``save()`` of an existing
row, ``delete()``, and queryset ``update()``/``delete()``; on the database a trigger
(migration 0002) refuses a raw ``UPDATE`` or ``DELETE``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImmutableRecordError(Exception):
    """Raised on an attempt to change or delete a recorded decision, follow-up or log row."""


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecordError(f"{self.model.__name__} rows are immutable")

    def delete(self):
        raise ImmutableRecordError(f"{self.model.__name__} rows are immutable")


class ImmutableRecord(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRecordError(
                f"{self.__class__.__name__} {self.pk} is recorded and cannot be changed; "
                "record a correction instead"
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError(
            f"{self.__class__.__name__} {self.pk} is recorded and cannot be deleted"
        )


TRANSITION_CHOICES = [
    ("mandate", _("Mandate")),
    ("approve_test", _("Approve testing")),
    ("approve_implementation", _("Approve implementation")),
    ("recycle", _("Back to exploration")),
    ("start_evaluation", _("Start evaluation")),
    ("spread", _("Spread")),
    ("complete", _("Complete")),
    ("close", _("Close")),
    ("pause", _("Pause")),
    ("resume", _("Resume")),
    ("stop", _("Stop")),
]


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    APPROVED_WITH_CHANGES = "approved_with_changes", _("Approved with changes")
    REJECTED = "rejected", _("Rejected")
    POSTPONED = "postponed", _("Postponed")
    REFERRED = "referred", _("Referred to the council")


class Assessment(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


class Decision(ImmutableRecord):
    """A decision item (beslutningssag) recorded for a committee meeting."""

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
        _("transition decided on"), max_length=40, choices=TRANSITION_CHOICES, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices)
    resolution = models.TextField(_("resolution text"))
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    votes_abstaining = models.PositiveIntegerField(_("abstaining"), null=True, blank=True)
    minority_statements = models.TextField(_("minority statements"), blank=True)
    votes_by_group = models.JSONField(
        _("votes per party group"),
        default=dict,
        db_default=models.Value({}, output_field=models.JSONField()),
        blank=True,
        help_text=_('For example {"A": {"for": 3, "against": 0, "abstaining": 0}}.'),
    )
    value_direction = models.TextField(_("value direction"), blank=True)
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

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
        return self.outcome in (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES)


class FollowUp(ImmutableRecord):
    """An item for information (orienteringssag): a status report the committee took note of."""

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
    summary = models.TextField(_("status report"))
    taken_note = models.TextField(_("what the committee took note of or asked for"), blank=True)
    transition = models.CharField(
        _("transition it documents"), max_length=40, choices=TRANSITION_CHOICES, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

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
    reason = models.TextField(_("why"))
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
