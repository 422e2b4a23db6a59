"""Reads for single sign-on: the Spor role an identity provider's values give, and whether a
person may sign in with a password."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from organisations.models import Role

from .models import RoleMapping, SignInPolicy

# When a person's values map to several roles, the one that may do most wins.
ROLE_PRECEDENCE = [Role.ADMINISTRATOR, Role.SECRETARY, Role.OFFICIAL, Role.POLITICIAN]


def role_for(*, organisation_id: int, values: Iterable[str]) -> str | None:
    """The Spor role the provider's values give in the organisation, or None. One query."""
    values = [value for value in values if value]
    if not values:
        return None
    mapped: dict[str, str] = {}
    rows = RoleMapping.objects.filter(
        Q(organisation_id=organisation_id) | Q(organisation__isnull=True), idp_value__in=values
    ).order_by("organisation_id")  # NULLs last: the organisation's own row overrides
    for row in rows.values("idp_value", "role", "organisation_id"):
        if row["organisation_id"] is not None or row["idp_value"] not in mapped:
            mapped[row["idp_value"]] = row["role"]
    roles = set(mapped.values())
    return next((role for role in ROLE_PRECEDENCE if role in roles), None)


def may_use_password(user) -> bool:
    """Operators (no organisation), superusers and administrators always may: they are the
    way in when the identity provider is down. Everyone else unless their organisation has
    switched passwords off."""
    if user.is_superuser or user.organisation_id is None or user.role == Role.ADMINISTRATOR:
        return True
    return not SignInPolicy.objects.filter(
        organisation_id=user.organisation_id, local_passwords=False
    ).exists()
