"""What else happens when evidence is recorded or a transition applied.

Called by the services inside their transaction: checkpoints and outbound events join here,
so every entry point (API, web, admin, task, command) gets them.
"""

from __future__ import annotations


def decision_recorded(*, actor, decision) -> None:
    pass


def follow_up_recorded(*, actor, follow_up) -> None:
    pass


def correction_recorded(*, actor, correction) -> None:
    pass


def transition_applied(*, actor, innovation, log_entry) -> None:
    pass


def evaluation_submitted(*, actor, evaluation) -> None:
    """An evaluation was submitted: the evaluation checkpoint is complete."""


def document_submitted(*, actor, document) -> None:
    """A document was attached: the documentation checkpoint is complete."""


def status_report_submitted(*, actor, status_report) -> None:
    """A status report was submitted: the documentation checkpoint is complete."""
