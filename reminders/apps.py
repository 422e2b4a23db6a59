from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        # Imported here, as Django requires: models may be imported only once every app's
        # models are loaded, i.e. in ready(), not when this module is.
        from decisions import hooks as decision_hooks
        from decisions.selectors import register_timeline_source
        from innovations import hooks as innovation_hooks

        from . import following, receivers, selectors

        receivers.connect()
        register_timeline_source(selectors.timeline_entries)
        decision_hooks.decision_recorded.connect(following.on_decision_recorded)
        decision_hooks.transition_applied.connect(following.on_transition_applied)
        innovation_hooks.evaluation_submitted.connect(following.on_evaluation_submitted)
