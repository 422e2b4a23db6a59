from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: domain errors, immutable records, hook points. No tables."""

    name = "core"
    verbose_name = _("Core")
