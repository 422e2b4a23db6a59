"""Who someone is in an organisation: the membership predicates every floor above asks.

Services call these (through ``innovations.permissions`` for what concerns an innovation);
nothing else decides.
"""

from __future__ import annotations

import datetime

from core.enums import Role
from core.permissions import is_administrator_of, is_member_of_organisation, today

from .models import Committee, Membership, MembershipRole

__all__ = [
    "can_act_for_committee",
    "council_id",
    "is_administrator_of",
    "is_member_of_organisation",
    "secretary_committee_ids",
    "today",
]


def secretary_committee_ids(user, *, on: datetime.date | None = None) -> set[int]:
    """Committees where the user is secretary today (and holds the secretary role)."""
    if not (user and user.is_authenticated and user.role == Role.SECRETARY):
        return set()
    cached = getattr(user, "_secretary_committee_ids", None)
    day = on or today()
    if cached is not None and cached[0] == day:
        return cached[1]
    ids = set(
        Membership.objects.valid_on(day)
        .filter(
            person=user,
            role=MembershipRole.SECRETARY,
            committee__organisation_id=user.organisation_id,
        )
        .values_list("committee_id", flat=True)
    )
    user._secretary_committee_ids = (day, ids)
    return ids


def can_act_for_committee(
    user, organisation_id: int, committee: Committee | int, council_id: int | None
) -> bool:
    """Administrators of the organisation, or the secretary of the committee or the council."""
    if is_administrator_of(user, organisation_id):
        return True
    if not is_member_of_organisation(user, organisation_id):
        return False
    committee_id = committee if isinstance(committee, int) else committee.pk
    allowed = secretary_committee_ids(user)
    return committee_id in allowed or (council_id is not None and council_id in allowed)


def council_id(innovation) -> int | None:
    """The council of the organisation of ``innovation`` (any row with ``organisation_id``)."""
    cached = getattr(innovation, "_council_id", None)
    if cached is None:
        cached = (
            Committee.objects.filter(organisation_id=innovation.organisation_id, is_council=True)
            .values_list("pk", flat=True)
            .first()
        )
        innovation._council_id = cached
    return cached
