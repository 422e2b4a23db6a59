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
