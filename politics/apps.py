from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliticsConfig(AppConfig):
    """What politicians do in Spor besides reading: member proposals, requests to examine
    reuse, the committee's report and the briefing of new members."""

    name = "politics"
    verbose_name = _("Politicians act")

    def ready(self) -> None:
        # Imported here, as Django requires: models may be imported only once every app's
        # models are loaded, i.e. in ready(), not when this module is.
        from core import personal_data
        from decisions import hooks

        from . import personal_data as politics_data
        from . import services

        hooks.decision_recorded.connect(services.on_decision_recorded)
        # privacy (beside us) exports, anonymises and purges what we hold of a person.
        personal_data.register(
            "politics",
            exporter=politics_data.export,
            anonymiser=politics_data.anonymise,
            expired=politics_data.expired,
        )
