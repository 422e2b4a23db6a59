"""The Django admin group of organisation administrators, and giving a person access to it.

The group holds what an organisation's administrator may configure in the admin; every
query there is scoped to their own organisation (``organisations.admin``). It is made after
every ``migrate`` (``post_migrate``), so a production installation has it without the demo.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _

from audit import services as audit
from core.errors import PermissionDenied, ValidationFailed

from .models import Role, User

ADMINISTRATORS_GROUP = "Spor-administratorer"

ADMIN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "organisations": {
        "organisation": ("view", "change"),
        "committee": ("view", "add", "change"),
        "meeting": ("view", "add", "change"),
        "membership": ("view", "add", "change", "delete"),
        "user": ("view", "add", "change"),
        "accessibilitystatement": ("view", "add", "change"),
    },
    "innovations": {
        "innovation": ("view",),
        "evaluation": ("view",),
        "statusreport": ("view",),
        "document": ("view",),
        "reuse": ("view",),
        "sharingevent": ("view",),
    },
    "decisions": {
        "decision": ("view",),
        "followup": ("view",),
        "correction": ("view",),
        "transitionlog": ("view",),
    },
    "reminders": {
        "reminderpolicy": ("view", "change"),
        "checkpointrule": ("view", "add", "change"),
        "checkpoint": ("view",),
        "reminder": ("view",),
    },
}


def ensure_administrators_group() -> Group:
    """Create the group, or bring its permissions up to date; running it again changes nothing."""
    group, _created = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    wanted = {
        (app, f"{action}_{model}")
        for app, models in ADMIN_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }
    permissions = [
        permission
        for permission in Permission.objects.filter(
            content_type__app_label__in=ADMIN_PERMISSIONS
        ).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    group.permissions.set(permissions)
    return group


def ensure_administrators_group_after_migrate(sender, **kwargs) -> None:
    # post_migrate is sent once per app with models, in INSTALLED_APPS order: only after the
    # last do the permission rows of every app exist.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not with_models[-1]:
        return
    ensure_administrators_group()


def grant_admin_access(*, actor, person: User) -> User:
    """Let an organisation's administrator into the Django admin (staff, in the group).

    Done by a superuser (the operator) or by another administrator of the same organisation.
    """
    if not (
        actor.is_superuser
        or (
            actor.role == Role.ADMINISTRATOR
            and actor.organisation_id
            and actor.organisation_id == person.organisation_id
        )
    ):
        raise PermissionDenied(
            _("Only the operator or an administrator of the organisation may do this.")
        )
    if person.role != Role.ADMINISTRATOR or not person.organisation_id:
        raise ValidationFailed(
            {"person": [_("Only an organisation's administrator gets admin access.")]}
        )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        if not locked.is_staff:
            locked.is_staff = True
            locked.save(update_fields=["is_staff"])
            audit.record_change(
                actor=actor, instance=locked, before={"is_staff": False}, after={"is_staff": True}
            )
        locked.groups.add(ensure_administrators_group())
    return locked
