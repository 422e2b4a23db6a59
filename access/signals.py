"""Django's own views change passwords and deactivate people (password reset, the admin), so
the one place that sees every such change is the User's ``post_save``. It only calls the
service; the rule lives there."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import services
from .models import RevokedBecause


@receiver(post_save, sender=get_user_model(), dispatch_uid="access.revoke_tokens")
def revoke_tokens_on_password_change_or_deactivation(sender, instance, created, **kwargs):
    if created:
        return
    if not instance.is_active:
        services.revoke_all_tokens_of(person=instance, because=RevokedBecause.DEACTIVATED)
    # set_password() keeps the new raw password on _password until save() has finished
    elif getattr(instance, "_password", None) is not None:
        services.revoke_all_tokens_of(person=instance, because=RevokedBecause.PASSWORD_CHANGED)
