"""What else happens when evidence is recorded or a transition applied.

Called by the services inside their transaction: checkpoints and outbound events join here,
so every entry point (API, web, admin, task, command) gets them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api import events
from audit import chain
from reminders import services as reminders

# Higher apps that react to recorded evidence register here in their AppConfig.ready()
# (``listen("decision_recorded", handler)``); each handler is called inside the recording
# service's transaction, with the same keyword arguments as the hook.
_listeners: dict[str, list[Callable[..., Any]]] = {}


def listen(event: str, handler: Callable[..., Any]) -> None:
    handlers = _listeners.setdefault(event, [])
    if handler not in handlers:
        handlers.append(handler)


def _announce(event: str, **kwargs: Any) -> None:
    for handler in _listeners.get(event, ()):
        handler(**kwargs)


def innovation_created(*, actor, innovation) -> None:
    """A new innovation starts in ``need``: the organisation's rules for that phase apply."""
    reminders.on_state_entered(innovation=innovation, state=innovation.state, actor=actor)


def decision_recorded(*, actor, decision) -> None:
    chain.append(decision)
    reminders.on_decision_recorded(actor=actor, decision=decision)
    events.decision_recorded(decision=decision)
    _announce("decision_recorded", actor=actor, decision=decision)


def follow_up_recorded(*, actor, follow_up) -> None:
    chain.append(follow_up)
    reminders.on_follow_up_recorded(actor=actor, follow_up=follow_up)
    events.follow_up_recorded(follow_up=follow_up)


def correction_recorded(*, actor, correction) -> None:
    chain.append(correction)
    reminders.on_correction_recorded(actor=actor, correction=correction)


def transition_applied(*, actor, innovation, log_entry) -> None:
    chain.append(log_entry)
    reminders.on_transition_applied(actor=actor, innovation=innovation, log_entry=log_entry)
    events.transition_applied(innovation=innovation, log_entry=log_entry)
    _announce("transition_applied", actor=actor, innovation=innovation, log_entry=log_entry)


def committee_changed(*, actor, innovation, previous, committee, reason) -> None:
    """An administrator moved the innovation: its open committee checkpoints move with it."""
    reminders.on_committee_changed(
        actor=actor, innovation=innovation, previous_id=previous.pk, committee_id=committee.pk
    )


def evaluation_submitted(*, actor, evaluation) -> None:
    """An evaluation was submitted: the evaluation checkpoint is complete."""
    reminders.on_evaluation_submitted(actor=actor, evaluation=evaluation)
    _announce("evaluation_submitted", actor=actor, evaluation=evaluation)


def document_submitted(*, actor, document) -> None:
    """A document was attached: the documentation checkpoint is complete."""
    reminders.complete_documentation_checkpoints(innovation=document.innovation, actor=actor)


def status_report_submitted(*, actor, status_report) -> None:
    """A status report was submitted: the documentation checkpoint is complete."""
    reminders.complete_documentation_checkpoints(innovation=status_report.innovation, actor=actor)
