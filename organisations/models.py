"""Organisations (municipalities and regions), their committees, meetings and people."""

from __future__ import annotations

import datetime
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from core.enums import Role
from core.querysets import OrganisationScopedQuerySet


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")


class Organisation(models.Model):
    code = models.CharField(_("official code"), max_length=4, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "self",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="municipalities",
        limit_choices_to={"kind": OrganisationKind.REGION},
    )
    # Single sign-on finds a person's organisation by the CVR number in the assertion.
    cvr = models.CharField(
        _("CVR number"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{8}$", _("A CVR number is eight digits."))],
        help_text=_(
            "The organisation's CVR number, eight digits. Single sign-on finds the "
            "organisation of the person signing in by it."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["cvr"], condition=~Q(cvr=""), name="organisation_unique_cvr"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def council_name(self) -> str:
        return (
            _("Regional council")
            if self.kind == OrganisationKind.REGION
            else _("Municipal council")
        )


def language_choices() -> list[tuple[str, str]]:
    """The languages Spor speaks (``settings.LANGUAGES``, the one list), each in its own name."""
    return [
        (code, capfirst(get_language_info(code)["name_local"]))
        for code, _name in settings.LANGUAGES
    ]


class ReminderDelivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate e-mails")
    DIGEST = "digest", _("One daily digest")


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class User(AbstractUser):
    """A person in Spor: belongs to one organisation and holds one role there."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=language_choices, default="da")
    reminder_delivery = models.CharField(
        _("reminder e-mails"),
        max_length=20,
        choices=ReminderDelivery.choices,
        default=ReminderDelivery.IMMEDIATE,
    )
    calendar_token = models.CharField(
        _("calendar token"), max_length=64, unique=True, default=new_calendar_token
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR and self.organisation_id is not None


class CommitteeQuerySet(OrganisationScopedQuerySet):
    organisation_field = "organisation"


class Committee(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="committees",
    )
    name = models.CharField(_("name"), max_length=200)
    is_council = models.BooleanField(
        _("is the council"),
        default=False,
        help_text=_("The municipal or regional council is the top committee."),
    )

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "-is_council", "name"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="committee_unique_name"),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_council=True),
                name="committee_one_council_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MeetingQuerySet(OrganisationScopedQuerySet):
    organisation_field = "committee__organisation"


class Meeting(models.Model):
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="meetings"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(
        _("starts at"), null=True, blank=True, help_text=_("Local time, when known.")
    )
    minutes_url = models.URLField(_("link to the published minutes"), blank=True)
    # defaults in the database too, for rows written by SQL (the scale data's COPY)
    location = models.CharField(
        _("location"), max_length=200, blank=True, default="", db_default=""
    )
    external_id = models.CharField(
        _("id in the meeting system"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text=_("Set by the meeting system that sends the agenda; unique per organisation."),
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["committee", "date"], name="meeting_unique_per_day"),
            # per committee in the database; per organisation in the service, which locks
            # the organisation's row while it looks a meeting up by its external id
            models.UniqueConstraint(
                fields=["committee", "external_id"],
                condition=~Q(external_id=""),
                name="meeting_unique_external_id",
            ),
        ]
        indexes = [models.Index(fields=["committee", "date"])]

    def __str__(self) -> str:
        return f"{self.committee} {self.date:%d.%m.%Y}"

    # Once evidence references a meeting, its committee and date are frozen: every decision
    # and follow-up recorded at it would silently change committee and date with it. A wrong
    # meeting is fixed by a correction of the record.
    FROZEN_FIELDS = ("committee", "date")

    def save(self, *args, **kwargs) -> None:
        changed = self.frozen_changes()
        if changed:
            raise ValidationError({field: MEETING_FROZEN_MESSAGE for field in changed})
        super().save(*args, **kwargs)

    def carries_evidence(self) -> bool:
        if self.pk is None:
            return False
        correction = apps.get_model("decisions", "Correction")
        return (
            self.decisions.exists()
            or self.follow_ups.exists()
            or correction.objects.filter(corrected_values__meeting=self.pk).exists()
        )

    def frozen_changes(self) -> list[str]:
        """The frozen fields this instance changes, if its stored row carries evidence."""
        if self.pk is None or self._state.adding:
            return []
        stored = Meeting.objects.filter(pk=self.pk).values("committee_id", "date").first()
        if stored is None:
            return []
        changed = [
            field
            for field, column in (("committee", "committee_id"), ("date", "date"))
            if stored[column] != getattr(self, column)
        ]
        return changed if changed and self.carries_evidence() else []

    def clean(self) -> None:
        super().clean()
        changed = self.frozen_changes()
        if changed:
            raise ValidationError({field: MEETING_FROZEN_MESSAGE for field in changed})


MEETING_FROZEN_MESSAGE = _(
    "Decisions or follow-ups are recorded at this meeting, so its committee and date cannot "
    "change. If the record belongs to another meeting, correct the record."
)


class MembershipRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice chair")
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Secretary")


class MembershipQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> MembershipQuerySet:
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Membership(models.Model):
    """A person's seat on a committee for a period; valid_to is inclusive."""

    person = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "role", "valid_from"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_valid_period",
            ),
        ]
        indexes = [models.Index(fields=["committee", "role", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} – {self.committee}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Conformance(models.TextChoices):
    FULL = "full", _("Fully compliant")
    PARTIAL = "partial", _("Partially compliant")
    NONE = "none", _("Not compliant")


class AccessibilityStatement(models.Model):
    """The accessibility statement (tilgængelighedserklæring) the web-accessibility law asks
    for: one site-wide (no organisation), and optionally one per organisation, which its
    people see instead. Without any row the page shows a default text."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="accessibility_statement",
        help_text=_("Leave empty for the statement of the whole site."),
    )
    standard = models.CharField(_("standard"), max_length=100, default="WCAG 2.1 AA")
    conformance = models.CharField(
        _("conformance status"),
        max_length=10,
        choices=Conformance.choices,
        default=Conformance.PARTIAL,
    )
    known_exceptions = models.TextField(
        _("known exceptions"),
        blank=True,
        help_text=_("What is not yet accessible, and why; one item per line."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_text = models.TextField(
        _("how to contact us"),
        blank=True,
        help_text=_("For example a phone number and opening hours."),
    )
    prepared_on = models.DateField(_("prepared on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statements")
        constraints = [
            # One per organisation (the one-to-one) and one site-wide (no organisation).
            models.UniqueConstraint(
                Coalesce(models.F("organisation"), models.Value(0)),
                name="accessibility_statement_one_site_wide",
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation) if self.organisation_id else str(_("The whole site"))

    @property
    def exceptions_list(self) -> list[str]:
        return [line.strip() for line in self.known_exceptions.splitlines() if line.strip()]
