"""The events Spor sends to webhooks, built from the records that caused them.

The receivers are connected to ``decisions.hooks`` in ``WebhooksConfig.ready()`` and run
inside the recording transaction; each payload carries ids and the facts a case-management
system journals, never more than the organisation owns.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from reminders import schedule
from reminders.models import Checkpoint

from .models import CheckpointOverdueEvent, Event, WebhookEndpoint
from .services import emit_event


def _decision_data(decision) -> dict:
    return {
        "id": decision.pk,
        "innovation": decision.innovation_id,
        "meeting": decision.meeting_id,
        "meeting_date": decision.meeting.date,
        "committee": decision.meeting.committee_id,
        "agenda_item": decision.agenda_item,
        "agenda_entry": decision.agenda_entry_id,
        "case_number": decision.case_number,
        "kle_code": decision.kle_code,
        "innovation_case_number": decision.innovation.case_number,
        "on_closed_item": decision.on_closed_item,
        "transition": decision.transition,
        "outcome": decision.outcome,
        "resolution": decision.resolution,
        "votes_for": decision.votes_for,
        "votes_against": decision.votes_against,
        "votes_abstaining": decision.votes_abstaining,
        "votes_by_group": decision.votes_by_group,
        "minority_statements": decision.minority_statements,
        "value_direction": decision.value_direction,
        "follow_up_date": decision.follow_up_date,
        "recorded_by": decision.recorded_by_id,
        "recorded_at": decision.recorded_at,
    }


def decision_recorded(*, decision, **_context) -> None:
    emit_event(
        organisation_id=decision.innovation.organisation_id,
        event_type=Event.DECISION_RECORDED,
        data={"decision": _decision_data(decision)},
        closed=decision.on_closed_item,
    )


def follow_up_recorded(*, follow_up, **_context) -> None:
    emit_event(
        organisation_id=follow_up.innovation.organisation_id,
        event_type=Event.FOLLOW_UP_RECORDED,
        data={
            "follow_up": {
                "id": follow_up.pk,
                "innovation": follow_up.innovation_id,
                "meeting": follow_up.meeting_id,
                "meeting_date": follow_up.meeting.date,
                "committee": follow_up.meeting.committee_id,
                "agenda_item": follow_up.agenda_item,
                "agenda_entry": follow_up.agenda_entry_id,
                "case_number": follow_up.case_number,
                "kle_code": follow_up.kle_code,
                "innovation_case_number": follow_up.innovation.case_number,
                "on_closed_item": follow_up.on_closed_item,
                "assessment": follow_up.assessment,
                "summary": follow_up.summary,
                "taken_note": follow_up.taken_note,
                "transition": follow_up.transition,
                "recorded_by": follow_up.recorded_by_id,
                "recorded_at": follow_up.recorded_at,
            }
        },
        closed=follow_up.on_closed_item,
    )


def transition_applied(*, innovation, log_entry, **_context) -> None:
    """Every endpoint learns of the move; of a move on a closed agenda item, only those
    allowed to receive closed items learn which decision or follow-up authorised it."""
    evidence = log_entry.decision or log_entry.follow_up
    on_closed_item = bool(evidence is not None and evidence.on_closed_item)
    data = {
        "id": log_entry.pk,
        "innovation": innovation.pk,
        "case_number": innovation.case_number,
        "on_closed_item": on_closed_item,
        "name": log_entry.transition,
        "source": log_entry.source,
        "target": log_entry.target,
        "decision": log_entry.decision_id,
        "follow_up": log_entry.follow_up_id,
        "actor": log_entry.actor_id,
        "at": log_entry.at,
    }
    if not on_closed_item:
        emit_event(
            organisation_id=innovation.organisation_id,
            event_type=Event.TRANSITION_APPLIED,
            data={"transition": data},
        )
        return
    emit_event(
        organisation_id=innovation.organisation_id,
        event_type=Event.TRANSITION_APPLIED,
        data={"transition": {**data, "decision": None, "follow_up": None}},
        open_only=True,
    )
    emit_event(
        organisation_id=innovation.organisation_id,
        event_type=Event.TRANSITION_APPLIED,
        data={"transition": data},
        closed=True,
    )


def checkpoint_overdue(*, checkpoint) -> None:
    """A checkpoint's due date has passed while it is still open."""
    innovation = checkpoint.innovation
    emit_event(
        organisation_id=innovation.organisation_id,
        event_type=Event.CHECKPOINT_OVERDUE,
        data={
            "checkpoint": {
                "id": checkpoint.pk,
                "innovation": innovation.pk,
                "innovation_title": innovation.title,
                "case_number": innovation.case_number,
                "kind": checkpoint.kind,
                "title": checkpoint.title,
                "due_date": checkpoint.due_date,
                "committee": checkpoint.committee_id,
                "responsible": checkpoint.responsible,
                "responsible_person": checkpoint.responsible_person_id,
            }
        },
    )


# --- Beat ----------------------------------------------------------------------------------


def _subscribed_organisations(event_type: str) -> list[int]:
    return sorted(
        {
            organisation_id
            for organisation_id, events in WebhookEndpoint.objects.filter(active=True).values_list(
                "organisation_id", "events"
            )
            if event_type in (events or [])
        }
    )


def emit_overdue_checkpoint_events(*, limit: int = 500) -> int:
    """Emit ``checkpoint.overdue`` once for each open checkpoint past its due date.

    Only for organisations with an endpoint that wants it. The ``CheckpointOverdueEvent``
    row, unique per checkpoint, is written in the same transaction as the deliveries: it is
    the proof, whatever number of beats or workers run this.
    """
    organisations = _subscribed_organisations(Event.CHECKPOINT_OVERDUE)
    if not organisations:
        return 0
    candidates = list(
        Checkpoint.objects.open()
        .overdue(on=schedule.local_date(timezone.now()))
        .filter(innovation__organisation_id__in=organisations, overdue_event__isnull=True)
        .select_related("innovation")
        .order_by("due_date", "id")[:limit]
    )
    emitted = 0
    for checkpoint in candidates:
        with transaction.atomic():
            _proof, created = CheckpointOverdueEvent.objects.get_or_create(checkpoint=checkpoint)
            if created:
                checkpoint_overdue(checkpoint=checkpoint)
                emitted += 1
    return emitted
