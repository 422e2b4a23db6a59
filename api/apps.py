from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Api")

    def ready(self) -> None:
        from privacy.services import register_retention

        from . import retention

        register_retention("webhook_deliveries", retention.expired_webhook_deliveries)
        register_retention("overdue_events", retention.expired_overdue_events)
