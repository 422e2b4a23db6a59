from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        # Imported here: the models of every app must be loaded first (Django's app registry).
        from decisions.selectors import register_timeline_source

        from . import selectors

        register_timeline_source(selectors.timeline_entries)
