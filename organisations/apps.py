from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_administrators_group(sender, **kwargs) -> None:
    # post_migrate is sent once per app with models, in INSTALLED_APPS order: only after the last
    # do the permission rows of every app exist.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not with_models[-1]:
        return
    from .admin_access import ensure_administrators_group

    ensure_administrators_group()


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations and people")

    def ready(self) -> None:
        post_migrate.connect(_ensure_administrators_group, dispatch_uid="spor-admin-group")
