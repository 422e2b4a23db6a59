from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliticsConfig(AppConfig):
    """What politicians do in Spor besides reading: member proposals, requests to examine
    reuse, the committee's report and the briefing of new members."""

    name = "politics"
    verbose_name = _("Politicians act")

    def ready(self) -> None:
        from decisions import hooks

        from . import services

        hooks.listen("decision_recorded", services.on_decision_recorded)
