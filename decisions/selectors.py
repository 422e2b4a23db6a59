"""Reads of the decision trail, with a query count that does not grow with the rows."""

from __future__ import annotations

import dataclasses

from django.db.models import Exists, OuterRef

from innovations.models import APPROVED_OUTCOMES, Evaluation, Innovation

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
        if requires == "follow_up":
            ranked = [*follow_ups, *approved, *decisions]
        else:
            ranked = [*approved, *decisions, *follow_ups]
        return ranked[0] if ranked else None


def candidate_evidence(innovation: Innovation, names: list[str]) -> CandidateEvidence:
    """Unused decisions and follow-ups of this innovation for the given transitions, newest first."""
    decisions = list(
        Decision.objects.filter(innovation=innovation, transition__in=names)
        .exclude(Exists(TransitionLog.objects.filter(decision=OuterRef("pk"))))
        .select_related("meeting__committee")
        .order_by("-meeting__date", "-recorded_at", "-id")
    )
    follow_ups = list(
        FollowUp.objects.filter(innovation=innovation, transition__in=names)
        .exclude(Exists(TransitionLog.objects.filter(follow_up=OuterRef("pk"))))
        .select_related("meeting__committee")
        .order_by("-meeting__date", "-recorded_at", "-id")
    )
    return CandidateEvidence(
        decisions=decisions,
        follow_ups=follow_ups,
        has_submitted_evaluation=Evaluation.objects.filter(innovation=innovation).exists(),
    )


def decisions_for(innovation: Innovation):
    return (
        Decision.objects.filter(innovation=innovation)
        .select_related("meeting__committee", "recorded_by")
        .prefetch_related("corrections__recorded_by")
    )


def follow_ups_for(innovation: Innovation):
    return (
        FollowUp.objects.filter(innovation=innovation)
        .select_related("meeting__committee", "recorded_by")
        .prefetch_related("corrections__recorded_by")
    )


def transition_log_for(innovation: Innovation):
    return TransitionLog.objects.filter(innovation=innovation).select_related(
        "actor", "decision__meeting__committee", "follow_up__meeting__committee"
    )


@dataclasses.dataclass
class TimelineEntry:
    type: str  # decision, follow_up, correction, transition, checkpoint
    at: object  # datetime
    item: object


def timeline(innovation: Innovation) -> list[TimelineEntry]:
    """Decisions, follow-ups, corrections and transitions in time order.

    Decisions and follow-ups are placed at their recording time; the reminders app adds
    checkpoints through ``extra_timeline_entries``.
    """
    entries: list[TimelineEntry] = []
    for decision in decisions_for(innovation):
        entries.append(TimelineEntry("decision", decision.recorded_at, decision))
    for follow_up in follow_ups_for(innovation):
        entries.append(TimelineEntry("follow_up", follow_up.recorded_at, follow_up))
    corrections = Correction.objects.filter(
        decision__innovation=innovation
    ) | Correction.objects.filter(follow_up__innovation=innovation)
    for correction in corrections.select_related("recorded_by", "decision", "follow_up"):
        entries.append(TimelineEntry("correction", correction.recorded_at, correction))
    for entry in transition_log_for(innovation):
        entries.append(TimelineEntry("transition", entry.at, entry))
    for extra in extra_timeline_entries(innovation):
        entries.append(extra)
    entries.sort(key=lambda e: (e.at, e.type))
    return entries


def extra_timeline_entries(innovation: Innovation) -> list[TimelineEntry]:
    # Imported here: reminders.selectors imports TimelineEntry from this module.
    from reminders.selectors import timeline_entries

    return timeline_entries(innovation)
