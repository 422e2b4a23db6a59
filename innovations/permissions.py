"""Who may do what with an innovation. Services call these; nothing else decides.

The membership predicates (``is_administrator_of``, ``secretary_committee_ids``, ...) live
one floor down, in ``organisations.permissions``; they are importable from here too.
"""

from __future__ import annotations

from organisations.models import Role
from organisations.permissions import (
    can_act_for_committee,
    council_id,
    is_administrator_of,
    is_member_of_organisation,
    secretary_committee_ids,
    today,
)

__all__ = [
    "can_act_for_committee",
    "can_apply_transitions",
    "can_create_innovation",
    "can_edit_innovation",
    "can_record_evidence",
    "can_view_innovation",
    "is_administrator_of",
    "is_member_of_organisation",
    "secretary_committee_ids",
    "today",
]


def can_apply_transitions(user, innovation) -> bool:
    return can_act_for_committee(
        user, innovation.organisation_id, innovation.committee_id, council_id(innovation)
    )


def can_record_evidence(user, innovation, meeting) -> bool:
    """A secretary records for a meeting of a committee they serve; an administrator for any."""
    if is_administrator_of(user, innovation.organisation_id):
        return True
    if not is_member_of_organisation(user, innovation.organisation_id):
        return False
    return meeting.committee_id in secretary_committee_ids(user) and can_apply_transitions(
        user, innovation
    )


def can_edit_innovation(user, innovation) -> bool:
    if not is_member_of_organisation(user, innovation.organisation_id):
        return False
    if user.role in (Role.ADMINISTRATOR, Role.SECRETARY):
        return True
    return user.role == Role.OFFICIAL and innovation.owner_id == user.pk


def can_create_innovation(user, organisation_id: int) -> bool:
    return is_member_of_organisation(user, organisation_id) and user.role in (
        Role.ADMINISTRATOR,
        Role.SECRETARY,
        Role.OFFICIAL,
    )


def can_view_innovation(user, innovation) -> bool:
    if user and user.is_authenticated and user.is_superuser:
        return True
    return is_member_of_organisation(user, innovation.organisation_id)
