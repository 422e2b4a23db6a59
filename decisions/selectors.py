"""Reads of the decision trail, with a query count that does not grow with the rows."""

from __future__ import annotations

import copy
import dataclasses
import datetime
from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from audit.selectors import events_for_innovation
from core.enums import EvidenceKind
from innovations.models import APPROVED_OUTCOMES, Evaluation, Innovation
from organisations.models import Meeting

from . import closed
from .models import Correction, Decision, FollowUp, TransitionLog


@dataclasses.dataclass
class CandidateEvidence:
    decisions: list[Decision]
    follow_ups: list[FollowUp]
    has_submitted_evaluation: bool

    def best_for(self, name: str, requires: str = "decision") -> Decision | FollowUp | None:
        """The evidence most likely to authorise ``name``: of the kind it requires first."""
        decisions = [d for d in self.decisions if d.transition == name]
        approved = [d for d in decisions if d.outcome in APPROVED_OUTCOMES]
        follow_ups = [f for f in self.follow_ups if f.transition == name]
        ranked: list[Decision | FollowUp]
        if requires == EvidenceKind.FOLLOW_UP:
            ranked = [*follow_ups, *approved, *decisions]
        else:
            ranked = [*approved, *decisions, *follow_ups]
        return ranked[0] if ranked else None


def has_evaluation_of_current_phase(innovation: Innovation | int) -> bool:
    """Was an evaluation submitted since the innovation last started its evaluation?

    Only that one authorises ``spread``/``complete``: an evaluation of an earlier evaluating
    phase (before a recycle or a new start) does not count. A pause and resume within the
    phase keeps it.
    """
    pk = innovation if isinstance(innovation, int) else innovation.pk
    phase_start = (
        TransitionLog.objects.filter(innovation_id=pk, transition="start_evaluation")
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    return Evaluation.objects.filter(
        innovation_id=pk, submitted_at__gte=Subquery(phase_start)
    ).exists()


def _moved_here(innovation: Innovation) -> tuple[list[int], list[int]]:
    """The decisions and the follow-ups a correction moved to ``innovation`` (one query)."""
    moved = list(
        Correction.objects.filter(corrected_values__innovation=innovation.pk).values_list(
            "decision_id", "follow_up_id"
        )
    )
    return (
        [decision for decision, _ in moved if decision is not None],
        [follow_up for _, follow_up in moved if follow_up is not None],
    )


def _evidence_of(model, innovation: Innovation, moved_here: list[int]):
    """Unused records of ``model`` that concern ``innovation`` as they stand corrected;
    ``moved_here``: those of them a correction moved here (``_moved_here``)."""
    # Records that a correction moved here, found first: an OR across the join with the
    # corrections would keep PostgreSQL from the innovation index (a scan of every record).
    concerns = Q(innovation=innovation)
    if moved_here:
        concerns |= Q(pk__in=moved_here)
    queryset = (
        model.objects.filter(concerns)
        .select_related("meeting__committee")
        .prefetch_related("corrections")
        .order_by("-meeting__date", "-recorded_at", "-id")
    )
    used = (
        TransitionLog.objects.filter(decision=OuterRef("pk"))
        if model is Decision
        else TransitionLog.objects.filter(follow_up=OuterRef("pk"))
    )
    records = (effective_record(record) for record in queryset.exclude(Exists(used)))
    return [r for r in records if r.innovation_id == innovation.pk and not r.annulled]


def candidate_evidence(innovation: Innovation, names: list[str]) -> CandidateEvidence:
    """Unused decisions and follow-ups of this innovation for the given transitions, newest
    first, as they stand after their corrections."""
    moved_decisions, moved_follow_ups = _moved_here(innovation)
    return CandidateEvidence(
        decisions=[
            d for d in _evidence_of(Decision, innovation, moved_decisions) if d.transition in names
        ],
        follow_ups=[
            f for f in _evidence_of(FollowUp, innovation, moved_follow_ups) if f.transition in names
        ],
        has_submitted_evaluation=has_evaluation_of_current_phase(innovation),
    )


# --- Corrections: the record as it stands, and what each correction changed -----------------

ANNULLED = "annulled"


def _typed(model, key: str, raw):
    if raw is None or raw == "":
        return None if key not in ("transition", "minority_statements", "taken_note") else ""
    if key == "follow_up_date":
        return raw if isinstance(raw, datetime.date) else datetime.date.fromisoformat(raw)
    return raw


def effective_record(record: Decision | FollowUp) -> Decision | FollowUp:
    """The record as it stands after its corrections (newest last); the row is unchanged.

    An unsaved-looking copy with the corrected values (meeting and innovation included) and
    ``annulled`` set when a correction annulled it. Without corrections, the record itself.
    """
    corrections = list(record.corrections.all())
    if not corrections:
        return record
    current = copy.copy(record)
    model = type(record)
    for correction in sorted(corrections, key=lambda c: (c.recorded_at, c.pk)):
        for key, raw in correction.corrected_values.items():
            if key == ANNULLED:
                current.annulled = bool(raw)
            elif key == "meeting":
                meeting = Meeting.objects.select_related("committee").filter(pk=raw).first()
                if meeting is not None:
                    current.meeting = meeting
            elif key == "innovation":
                current.innovation_id = raw
                current._state.fields_cache.pop("innovation", None)
            else:
                setattr(current, key, _typed(model, key, raw))
    current.corrected = True
    return current


@dataclasses.dataclass
class Change:
    field: str
    label: str
    before: str
    after: str


def _shown(model, key: str, value) -> str:
    """A value as a reader sees it: choices by label, dates and meetings in their format."""
    if value is None or value == "":
        return "–"
    if key == ANNULLED:
        return _("annulled") if value else _("in force")
    if key == "meeting":
        meeting = (
            value
            if isinstance(value, Meeting)
            else Meeting.objects.select_related("committee").filter(pk=value).first()
        )
        if meeting is None:
            return str(value)
        return f"{meeting.committee.name}, {formats.date_format(meeting.date, 'SHORT_DATE_FORMAT')}"
    if key == "innovation":
        innovation = (
            value
            if isinstance(value, Innovation)
            else Innovation.objects.filter(pk=value).only("title").first()
        )
        return innovation.title if innovation is not None else str(value)
    if key == "follow_up_date":
        day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
        return formats.date_format(day, "SHORT_DATE_FORMAT")
    field = model._meta.get_field(key)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _label(model, key: str) -> str:
    if key == ANNULLED:
        return _("Status")
    return str(capfirst(model._meta.get_field(key).verbose_name))


def mark_corrections(record: Decision | FollowUp) -> Decision | FollowUp:
    """Mark a record shown to people: ``corrected``, ``annulled``, and on each of its
    corrections the ``changes`` it made (before → after, as shown)."""
    changes = correction_changes(record)
    corrections = list(record.corrections.all())
    for correction in corrections:
        correction.changes = changes.get(correction.pk, [])
        correction.record = record
    record.corrected = bool(corrections)
    annulled = False
    for correction in sorted(corrections, key=lambda c: (c.recorded_at, c.pk)):
        if ANNULLED in correction.corrected_values:
            annulled = bool(correction.corrected_values[ANNULLED])
    record.annulled = annulled
    return record


def correction_changes(record: Decision | FollowUp) -> dict[int, list[Change]]:
    """Per correction of ``record`` (by id): each changed field, before → after, as shown."""
    model = type(record)
    current: dict = {}
    result: dict[int, list[Change]] = {}
    for correction in sorted(record.corrections.all(), key=lambda c: (c.recorded_at, c.pk)):
        changes = []
        for key, raw in correction.corrected_values.items():
            if key not in current:
                if key == ANNULLED:
                    current[key] = False
                elif key in ("meeting", "innovation"):
                    current[key] = getattr(record, f"{key}_id")
                else:
                    current[key] = getattr(record, key)
            after = _typed(model, key, raw) if key != ANNULLED else bool(raw)
            changes.append(
                Change(
                    field=key,
                    label=_label(model, key),
                    before=_shown(model, key, current[key]),
                    after=_shown(model, key, after),
                )
            )
            current[key] = after
        result[correction.pk] = changes
    return result


def decisions_for(innovation: Innovation):
    return (
        Decision.objects.filter(innovation=innovation)
        .select_related("meeting__committee", "recorded_by", "agenda_entry")
        .prefetch_related("corrections__recorded_by")
    )


def follow_ups_for(innovation: Innovation):
    return (
        FollowUp.objects.filter(innovation=innovation)
        .select_related("meeting__committee", "recorded_by", "agenda_entry")
        .prefetch_related("corrections__recorded_by")
    )


def transition_log_for(innovation: Innovation):
    return TransitionLog.objects.filter(innovation=innovation).select_related(
        "actor", "decision__meeting__committee", "follow_up__meeting__committee"
    )


@dataclasses.dataclass
class TimelineEntry:
    type: str  # decision, follow_up, correction, transition, checkpoint, audit
    at: object  # datetime
    item: object


def timeline(innovation: Innovation, viewer=None) -> list[TimelineEntry]:
    """Decisions, follow-ups, corrections and transitions in time order.

    Decisions and follow-ups are placed at their recording time; audit events at theirs; the
    apps above add theirs through ``register_timeline_source`` (reminders: checkpoints). For a
    ``viewer``, the records taken on closed items they may not see are left out, and the
    moves they authorised say only that they rest on a closed item (``decisions.closed``).
    """
    entries: list[TimelineEntry] = []
    decisions, follow_ups = list(decisions_for(innovation)), list(follow_ups_for(innovation))
    records = [*decisions, *follow_ups]
    if viewer is not None:
        decisions = closed.visible_of(decisions, viewer)
        follow_ups = closed.visible_of(follow_ups, viewer)
    for kind, records in (
        ("decision", decisions),
        ("follow_up", follow_ups),
    ):
        for record in records:
            mark_corrections(record)
            entries.append(TimelineEntry(kind, record.recorded_at, record))
            for correction in record.corrections.all():
                entries.append(TimelineEntry("correction", correction.recorded_at, correction))
    # The timeline names who moved it; the evidence only by id (its record is an entry of
    # its own), so the log is read without the joins ``transition_log_for`` makes.
    moves = TransitionLog.objects.filter(innovation=innovation).select_related("actor")
    for entry in closed.mark_closed_moves(viewer, list(moves), known=records):
        entries.append(TimelineEntry("transition", entry.at, entry))
    for extra in extra_timeline_entries(innovation):
        entries.append(extra)
    entries.sort(key=lambda e: (e.at, e.type))
    return entries


# Apps above this floor that put entries on an innovation's timeline register a source in
# their AppConfig.ready(): a function (innovation) -> list[TimelineEntry].
_TIMELINE_SOURCES: list[Callable[[Innovation], list[TimelineEntry]]] = []


def register_timeline_source(source: Callable[[Innovation], list[TimelineEntry]]) -> None:
    if source not in _TIMELINE_SOURCES:
        _TIMELINE_SOURCES.append(source)


def extra_timeline_entries(innovation: Innovation) -> list[TimelineEntry]:
    entries = [
        TimelineEntry("audit", event.at, event) for event in events_for_innovation(innovation)
    ]
    for source in _TIMELINE_SOURCES:
        entries.extend(source(innovation))
    return entries
