from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from decisions import hooks

        from . import following

        hooks.listen("decision_recorded", following.on_decision_recorded)
        hooks.listen("transition_applied", following.on_transition_applied)
        hooks.listen("evaluation_submitted", following.on_evaluation_submitted)
