"""Agenda items and attendance, as the meeting system (FirstAgenda, eDoc, Acadre, SBSYS, ...)
publishes them: the floor between the innovation and the evidence recorded on it.

An agenda item may concern an innovation; decisions and follow-ups point at the item they
were taken on. A closed item (lukket punkt) keeps its evidence to the committee, the owning
official and the organisation's administrators (``decisions.closed``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# KL's journal plan: a main group, a group and a subject (27.24.00), optionally with the
# action facet (27.24.00G01 or 27.24.00 G01).
KLE_CODE_VALIDATOR = RegexValidator(
    r"^\d{2}(\.\d{2}(\.\d{2})?)?( ?[A-ZÆØÅ]\d{2})?$",
    _("Enter a KLE code such as 27.24.00 or 27.24.00 G01."),
)


class AgendaItem(models.Model):
    """One item of a meeting's agenda (dagsordenspunkt)."""

    meeting = models.ForeignKey(
        "organisations.Meeting",
        verbose_name=_("meeting"),
        # a meeting without evidence may be deleted with its agenda; evidence protects both
        on_delete=models.CASCADE,
        related_name="agenda_items",
    )
    number = models.CharField(_("item number"), max_length=20)
    title = models.CharField(_("title"), max_length=500)
    case_number = models.CharField(
        _("case number"),
        max_length=100,
        blank=True,
        help_text=_("The case number (sagsnummer) in the case system, in its own format."),
    )
    kle_code = models.CharField(
        _("KLE code"), max_length=20, blank=True, validators=[KLE_CODE_VALIDATOR]
    )
    closed = models.BooleanField(
        _("closed item"),
        default=False,
        help_text=_(
            "A closed item (lukket punkt) is seen only by the committee, the owning official "
            "and the administrators."
        ),
    )
    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    external_id = models.CharField(_("id in the meeting system"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["meeting", "position", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "external_id"],
                condition=~Q(external_id=""),
                name="agenda_item_unique_external_id",
            ),
            models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_unique_number"),
        ]
        indexes = [
            models.Index(fields=["case_number"]),
            models.Index(fields=["innovation"]),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def carries_evidence(self) -> bool:
        if self.pk is None:
            return False
        return self.decisions.exists() or self.follow_ups.exists()


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    """Who sat at a meeting: its members present or absent, and substitutes (stedfortrædere),
    present in a member's place."""

    meeting = models.ForeignKey(
        "organisations.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    substitute_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("substitute for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    party_group = models.CharField(_("party group"), max_length=100, blank=True)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="attendance_one_row_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_status_display()}"


class Disqualification(models.Model):
    """A member who declared themselves disqualified (inhabil) on an item and left."""

    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="disqualifications",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["agenda_item", "id"]
        verbose_name = _("disqualification")
        verbose_name_plural = _("disqualifications")
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item", "person"], name="disqualification_once_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.agenda_item}"
