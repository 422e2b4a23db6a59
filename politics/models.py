"""Member proposals, requests to examine reuse, and the briefings of new committee members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberProposal(models.Model):
    """A politician's member proposal (medlemsforslag): the need it raises is an innovation
    in the phase ``need``, put before the committee as a decision due at its next meeting."""

    innovation = models.OneToOneField(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        on_delete=models.PROTECT,
        related_name="member_proposal",
    )
    committee = models.ForeignKey(
        "organisations.Committee",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="member_proposals",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="member_proposals",
    )
    proposal = models.TextField(_("what the committee is asked to decide"))
    meeting = models.ForeignKey(
        "organisations.Meeting",
        verbose_name=_("for the meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_proposals",
    )
    checkpoint = models.ForeignKey(
        "reminders.Checkpoint",
        verbose_name=_("checkpoint"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"))

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("member proposal")
        verbose_name_plural = _("member proposals")
        indexes = [models.Index(fields=["committee", "proposed_at"])]

    def __str__(self) -> str:
        return str(self.innovation)


class ReuseRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    EXAMINING = "examining", _("Being examined by the administration")
    FOR_DECISION = "for_decision", _("Before the committee")
    DECIDED = "decided", _("Decided by the committee")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_REUSE_STATUSES = (
    ReuseRequestStatus.REQUESTED,
    ReuseRequestStatus.EXAMINING,
    ReuseRequestStatus.FOR_DECISION,
)


class ReuseRequest(models.Model):
    """A politician asks the administration to examine reusing a shared innovation; tracked
    until the committee has decided on it."""

    origin = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("shared innovation"),
        on_delete=models.PROTECT,
        related_name="reuse_requests",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="reuse_requests",
    )
    committee = models.ForeignKey(
        "organisations.Committee",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="reuse_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="reuse_requests",
    )
    reason = models.TextField(_("why it is worth examining"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReuseRequestStatus.choices,
        default=ReuseRequestStatus.REQUESTED,
    )
    examined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examined by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    examination = models.TextField(_("the administration's examination"), blank=True)
    innovation = models.OneToOneField(
        "innovations.Innovation",
        verbose_name=_("own innovation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reuse_request",
    )
    decision = models.ForeignKey(
        "decisions.Decision",
        verbose_name=_("the committee's decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("request to examine reuse")
        verbose_name_plural = _("requests to examine reuse")
        indexes = [models.Index(fields=["organisation", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "organisation"],
                condition=models.Q(status__in=["requested", "examining", "for_decision"]),
                name="reuse_request_one_open_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.origin}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REUSE_STATUSES


class ReuseRequestEvent(models.Model):
    """Append-only: each change of a reuse request's status, who and when."""

    request = models.ForeignKey(
        ReuseRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="events"
    )
    status = models.CharField(_("status"), max_length=20, choices=ReuseRequestStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("reuse request event")
        verbose_name_plural = _("reuse request events")

    def __str__(self) -> str:
        return f"{self.request}: {self.status}"


class Briefing(models.Model):
    """The briefing a new member of a committee got: one per membership, ever."""

    membership = models.OneToOneField(
        "organisations.Membership",
        verbose_name=_("membership"),
        on_delete=models.CASCADE,
        related_name="briefing",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="briefings",
    )
    committee = models.ForeignKey(
        "organisations.Committee",
        verbose_name=_("committee"),
        on_delete=models.CASCADE,
        related_name="briefings",
    )
    term_start = models.DateField(_("electoral term from"))
    created_at = models.DateTimeField(_("sent at"))
    email_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("briefing of a new member")
        verbose_name_plural = _("briefings of new members")

    def __str__(self) -> str:
        return f"{self.person} – {self.committee}"
