from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        # Imported here, as Django requires: models may be imported only once every app's
        # models are loaded, i.e. in ready(), not when this module is.
        from decisions import hooks

        from . import events

        hooks.decision_recorded.connect(events.decision_recorded)
        hooks.follow_up_recorded.connect(events.follow_up_recorded)
        hooks.transition_applied.connect(events.transition_applied)
