from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations and people")

    def ready(self) -> None:
        # Imported here, as Django requires: models may be imported only once every app's
        # models are loaded, i.e. in ready(), not when this module is.
        from .admin_access import ensure_administrators_group_after_migrate

        post_migrate.connect(
            ensure_administrators_group_after_migrate, dispatch_uid="spor-admin-group"
        )
