"""The decision trail's hook points: what else happens when evidence is recorded or a
transition applied.

The services call them inside their transaction, so every entry point (API, web, admin,
task, command) gets what hangs on them, and it commits or rolls back with the record.
Each record is first appended to the audit hash chain (one floor down, connected here);
the apps above connect their receivers in their ``AppConfig.ready()``: ``reminders``
(completes, creates and cancels checkpoints), then ``webhooks`` (queues the outbound event).
"""

from __future__ import annotations

from audit import chain
from core.hooks import Hook

#: (actor, decision)
decision_recorded = Hook("decision_recorded")
#: (actor, follow_up)
follow_up_recorded = Hook("follow_up_recorded")
#: (actor, correction)
correction_recorded = Hook("correction_recorded")
#: (actor, innovation, log_entry)
transition_applied = Hook("transition_applied")


def _chain_decision(*, decision, **_context) -> None:
    chain.append(decision)


def _chain_follow_up(*, follow_up, **_context) -> None:
    chain.append(follow_up)


def _chain_correction(*, correction, **_context) -> None:
    chain.append(correction)


def _chain_log_entry(*, log_entry, **_context) -> None:
    chain.append(log_entry)


decision_recorded.connect(_chain_decision)
follow_up_recorded.connect(_chain_follow_up)
correction_recorded.connect(_chain_correction)
transition_applied.connect(_chain_log_entry)
