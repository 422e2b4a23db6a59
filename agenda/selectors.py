"""Reads of agendas and attendance."""

from __future__ import annotations

import dataclasses

from django.db.models import QuerySet

from organisations.models import Meeting

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
