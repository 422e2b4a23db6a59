from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        # Imported here, as Django requires: models may be imported only once every app's
        # models are loaded, i.e. in ready(), not when this module is.
        from decisions.selectors import register_timeline_source

        from . import receivers, selectors

        receivers.connect()
        register_timeline_source(selectors.timeline_entries)
