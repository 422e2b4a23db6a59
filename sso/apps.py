from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = _("Single sign-on")

    def ready(self) -> None:
        from organisations.admin_access import ADMIN_PERMISSIONS

        # An organisation's administrators keep its role mapping and password policy.
        ADMIN_PERMISSIONS["sso"] = {
            "rolemapping": ("view", "add", "change", "delete"),
            "signinpolicy": ("view", "add", "change"),
            "externalidentity": ("view",),
        }
