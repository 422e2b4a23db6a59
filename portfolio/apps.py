from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    """The figures across innovations: the dashboard's portfolio and the Innovation Barometer.
    Above reminders and decisions, whose rows they count; no tables of their own."""

    name = "portfolio"
    verbose_name = _("Portfolio")
