"""Types every floor shares."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A person's role in their organisation (``organisations.User.role``)."""

    ADMINISTRATOR = "administrator", _("Administrator")
    SECRETARY = "secretary", _("Committee secretary")
    OFFICIAL = "official", _("Official")
    POLITICIAN = "politician", _("Politician")


class Outcome(models.TextChoices):
    """A committee's decision on an item (``decisions.Decision.outcome``)."""

    APPROVED = "approved", _("Approved")
    APPROVED_WITH_CHANGES = "approved_with_changes", _("Approved with changes")
    REJECTED = "rejected", _("Rejected")
    POSTPONED = "postponed", _("Postponed")
    REFERRED = "referred", _("Referred to the council")


#: The outcomes that authorise a transition; the one definition of "approved".
APPROVED_OUTCOMES = (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES)


class EvidenceKind(models.TextChoices):
    """What a transition needs: a decision item or a follow-up (an item for information)."""

    DECISION = "decision", _("decision")
    FOLLOW_UP = "follow_up", _("follow-up")
