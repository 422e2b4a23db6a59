"""Reads of agendas and attendance."""

from __future__ import annotations

import dataclasses

from django.db.models import Count, QuerySet
from django.utils import timezone

from innovations import permissions
from organisations.models import Meeting, Membership

from .models import AgendaItem, Attendance, AttendanceStatus, Disqualification


def items_of(meeting: Meeting | int) -> QuerySet[AgendaItem]:
    """A meeting's agenda in its order, with the innovations the items concern."""
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("innovation")
        .order_by("position", "id")
    )


def attendance_of(meeting: Meeting | int) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(meeting=meeting)
        .select_related("person", "substitute_for")
        .order_by("status", "person__last_name", "person__first_name", "id")
    )


@dataclasses.dataclass(frozen=True)
class Voters:
    """Who could vote on an item: those present at the meeting, less the disqualified."""

    present: int
    disqualified: int

    @property
    def eligible(self) -> int:
        return self.present - self.disqualified


def voters(meeting: Meeting | int, agenda_item: AgendaItem | int | None) -> Voters | None:
    """None when no attendance is recorded for the meeting: then nothing can be checked."""
    rows = list(Attendance.objects.filter(meeting=meeting).values_list("person_id", "status"))
    if not rows:
        return None
    present_ids = {person for person, status in rows if status == AttendanceStatus.PRESENT}
    disqualified = 0
    if agenda_item is not None:
        disqualified = Disqualification.objects.filter(
            agenda_item=agenda_item, person_id__in=present_ids
        ).count()
    return Voters(present=len(present_ids), disqualified=disqualified)


def record_initial(meeting: Meeting, item_id: str | None) -> dict | None:
    """What choosing an agenda item fills in on the decision and follow-up forms."""
    if not item_id or not str(item_id).isdigit():
        return None
    item = AgendaItem.objects.filter(pk=int(item_id), meeting=meeting).first()
    if item is None:
        return None
    return {
        "innovation": item.innovation_id,
        "agenda_item": f"{item.number}. {item.title}"[:200],
        "agenda_entry": item.pk,
        "case_number": item.case_number,
    }


@dataclasses.dataclass(frozen=True)
class AgendaLine:
    item: AgendaItem
    shown: bool  # a closed item's title is shown only to those who may see closed items
    recorded: int  # decisions and follow-ups taken on it


def agenda_for(meeting: Meeting, user) -> list[AgendaLine]:
    """The meeting's agenda as the person may read it: closed items by number only, unless
    they sit on the committee or administer the organisation."""
    items = list(
        items_of(meeting).annotate(
            decision_count=Count("decisions", distinct=True),
            follow_up_count=Count("follow_ups", distinct=True),
        )
    )
    seats = Membership.objects.filter(person_id=user.pk, committee_id=meeting.committee_id)
    sees_closed = permissions.is_administrator_of(user, meeting.committee.organisation_id) or (
        seats.valid_on(timezone.localdate()).exists() or seats.valid_on(meeting.date).exists()
    )
    return [
        AgendaLine(
            item=item,
            shown=not item.closed
            or sees_closed
            or (item.innovation is not None and item.innovation.owner_id == user.pk),
            recorded=item.decision_count + item.follow_up_count,
        )
        for item in items
    ]
