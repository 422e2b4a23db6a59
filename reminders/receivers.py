"""How reminders reacts to the floors below: the receivers ``RemindersConfig.ready()``
connects to ``innovations.hooks`` and ``decisions.hooks``. They run inside the emitting
service's transaction."""

from __future__ import annotations

from decisions import hooks as decision_hooks
from innovations import hooks as innovation_hooks

from . import services


def innovation_created(*, actor, innovation) -> None:
    """A new innovation starts in ``need``: the organisation's rules for that phase apply."""
    services.on_state_entered(innovation=innovation, state=innovation.state, actor=actor)


def committee_changed(*, actor, innovation, previous, committee, reason) -> None:
    """An administrator moved the innovation: its open committee checkpoints move with it."""
    services.on_committee_changed(
        actor=actor, innovation=innovation, previous_id=previous.pk, committee_id=committee.pk
    )


def document_submitted(*, actor, document) -> None:
    """A document was attached: the documentation checkpoint is complete."""
    services.complete_documentation_checkpoints(innovation=document.innovation, actor=actor)


def status_report_submitted(*, actor, status_report) -> None:
    """A status report was submitted: the documentation checkpoint is complete."""
    services.complete_documentation_checkpoints(innovation=status_report.innovation, actor=actor)


def connect() -> None:
    innovation_hooks.innovation_created.connect(innovation_created)
    innovation_hooks.committee_changed.connect(committee_changed)
    innovation_hooks.evaluation_submitted.connect(services.on_evaluation_submitted)
    innovation_hooks.document_submitted.connect(document_submitted)
    innovation_hooks.status_report_submitted.connect(status_report_submitted)
    decision_hooks.decision_recorded.connect(services.on_decision_recorded)
    decision_hooks.follow_up_recorded.connect(services.on_follow_up_recorded)
    decision_hooks.correction_recorded.connect(services.on_correction_recorded)
    decision_hooks.transition_applied.connect(services.on_transition_applied)
