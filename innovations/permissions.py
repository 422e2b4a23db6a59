"""Who may do what. Services call these; nothing else decides."""

from __future__ import annotations

import datetime

from django.utils import timezone

from organisations.models import Committee, Membership, MembershipRole, Role


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


def can_apply_transitions(user, innovation) -> bool:
    return can_act_for_committee(
        user, innovation.organisation_id, innovation.committee_id, _council_id(innovation)
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


def _council_id(innovation) -> int | None:
    cached = getattr(innovation, "_council_id", None)
    if cached is None:
        cached = (
            Committee.objects.filter(organisation_id=innovation.organisation_id, is_council=True)
            .values_list("pk", flat=True)
            .first()
        )
        innovation._council_id = cached
    return cached
