"""Who someone is, from the user row alone: the predicates every floor asks first.

The predicates that read committee memberships are one floor up, in
``organisations.permissions``; what concerns an innovation, in ``innovations.permissions``.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from .enums import Role


def today() -> datetime.date:
    return timezone.localdate()


def is_member_of_organisation(user, organisation_id: int | None) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.organisation_id
        and user.organisation_id == organisation_id
    )


def is_administrator_of(user, organisation_id: int | None) -> bool:
    return is_member_of_organisation(user, organisation_id) and user.role == Role.ADMINISTRATOR
