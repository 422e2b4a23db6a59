from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from . import db_roles


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        # Migrations run as the owner; after each, the application's role gets its rights on
        # the tables that exist now (and only SELECT/INSERT on the evidence).
        post_migrate.connect(db_roles.grant_after_migrate, dispatch_uid="spor-db-grants")
