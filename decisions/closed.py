"""Closed items (lukkede punkter): who sees the evidence taken on them.

A decision or follow-up recorded on a closed agenda item is seen only by the members of the
meeting's committee (its secretary among them), the innovation's owner and the organisation's
administrators. Everyone else who sees the innovation sees the move it authorised as a move
"on a closed item", and nothing of the record. Every list, search, export and payload of
evidence reads through ``visible_records`` or ``can_see_record``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from organisations.models import Membership

from .models import Correction, Decision, FollowUp, TransitionLog


def _open(prefix: str = "") -> Q:
    return Q(**{f"{prefix}agenda_entry__isnull": True}) | Q(
        **{f"{prefix}agenda_entry__closed": False}
    )


def _committee_member(user, prefix: str = "") -> Exists:
    """A seat on the meeting's committee today or on the meeting's day."""
    today = timezone.localdate()
    meeting_day = OuterRef(f"{prefix}meeting__date")
    return Exists(
        Membership.objects.filter(
            person_id=user.pk, committee_id=OuterRef(f"{prefix}meeting__committee_id")
        ).filter(
            (Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today)))
            | (
                Q(valid_from__lte=meeting_day)
                & (Q(valid_to__isnull=True) | Q(valid_to__gte=meeting_day))
            )
        )
    )


def may_see(user, prefix: str = "") -> Q:
    """The condition on a decision or follow-up (under ``prefix``) that ``user`` sees it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return _open(prefix)
    if user.is_superuser:
        return Q()
    condition = _open(prefix) | Q(**{f"{prefix}innovation__owner_id": user.pk})
    if user.is_administrator:
        condition |= Q(**{f"{prefix}innovation__organisation_id": user.organisation_id})
    return condition | Q(_committee_member(user, prefix))


def visible_records(queryset: QuerySet, user, prefix: str = "") -> QuerySet:
    """Decisions or follow-ups (or rows pointing at them under ``prefix``) ``user`` may see."""
    condition = may_see(user, prefix)
    return queryset if not condition else queryset.filter(condition)


def visible_of(records: list, user) -> list:
    """The records of a list in hand that ``user`` may see, in their order: the same rule as
    ``visible_records``, asked of the database only for those on a closed item (most lists
    have none, and the condition is costly to build for every page)."""
    closed_ids = [record.pk for record in records if is_closed(record)]
    if not closed_ids:
        return records
    model = type(records[0])
    seen = set(
        visible_records(model.objects.filter(pk__in=closed_ids), user).values_list("pk", flat=True)
    )
    return [record for record in records if not is_closed(record) or record.pk in seen]


def visible_corrections(queryset: QuerySet[Correction], user) -> QuerySet[Correction]:
    if user is not None and getattr(user, "is_superuser", False):
        return queryset
    return queryset.filter(
        (Q(decision__isnull=False) & may_see(user, "decision__"))
        | (Q(follow_up__isnull=False) & may_see(user, "follow_up__"))
    )


def is_closed(record: Decision | FollowUp | None) -> bool:
    return record is not None and record.agenda_entry is not None and record.agenda_entry.closed


def can_see_record(user, record: Decision | FollowUp) -> bool:
    """The same rule as ``may_see``, for one record in hand."""
    if not is_closed(record):
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    innovation = record.innovation
    if innovation.owner_id == user.pk:
        return True
    if user.is_administrator and user.organisation_id == innovation.organisation_id:
        return True
    meeting = record.meeting
    return (
        Membership.objects.filter(person_id=user.pk, committee_id=meeting.committee_id)
        .filter(
            Q(pk__in=Membership.objects.valid_on(timezone.localdate()).values("pk"))
            | Q(pk__in=Membership.objects.valid_on(meeting.date).values("pk"))
        )
        .exists()
    )


def closed_record_ids(user, entries: list[TransitionLog]) -> set[tuple[str, int]]:
    """The evidence behind ``entries`` that ``user`` may not see: ``("decision", id)`` and
    ``("follow_up", id)``; one query per kind."""
    hidden: set[tuple[str, int]] = set()
    for kind, model in (("decision", Decision), ("follow_up", FollowUp)):
        ids = [getattr(e, f"{kind}_id") for e in entries if getattr(e, f"{kind}_id")]
        if not ids:
            continue
        closed = model.objects.filter(pk__in=ids, agenda_entry__closed=True)
        seen = set(visible_records(closed, user).values_list("pk", flat=True))
        hidden |= {(kind, pk) for pk in closed.values_list("pk", flat=True) if pk not in seen}
    return hidden


def mark_closed_moves(
    user, entries: list[TransitionLog], known: Iterable[Decision | FollowUp] = ()
) -> list[TransitionLog]:
    """Mark each move resting on closed evidence (``on_closed_item``), and hide that
    evidence (``evidence_hidden``) from those who may not see it. Records the caller has in
    hand (``known``, with their agenda entries) are not asked about again."""
    closed: set[tuple[str, int]] = set()
    in_hand = {
        ("decision" if isinstance(record, Decision) else "follow_up", record.pk): record
        for record in known
    }
    closed |= {key for key, record in in_hand.items() if is_closed(record)}
    for kind, model in (("decision", Decision), ("follow_up", FollowUp)):
        ids = [
            getattr(e, f"{kind}_id")
            for e in entries
            if getattr(e, f"{kind}_id") and (kind, getattr(e, f"{kind}_id")) not in in_hand
        ]
        if ids:
            closed |= {
                (kind, pk)
                for pk in model.objects.filter(pk__in=ids, agenda_entry__closed=True).values_list(
                    "pk", flat=True
                )
            }
    hidden = closed_record_ids(user, entries) if closed and user is not None else set()
    for entry in entries:
        key = (
            ("decision", entry.decision_id)
            if entry.decision_id
            else ("follow_up", entry.follow_up_id)
        )
        # read by the timeline's template and serializer; never saved
        entry.on_closed_item = key in closed  # type: ignore[attr-defined]
        entry.evidence_hidden = key in hidden  # type: ignore[attr-defined]
    return entries
