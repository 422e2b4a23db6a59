from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The top floor: seed_demo and its texts. Nothing imports it."""

    name = "demo"
    verbose_name = _("Demo")
