from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import db_roles

        # Migrations run as the owner; after each, the application's role gets its rights on
        # the tables that exist now (and only SELECT/INSERT on the evidence).
        post_migrate.connect(db_roles.grant_after_migrate, dispatch_uid="spor-db-grants")
