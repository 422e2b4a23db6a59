"""The innovation's hook points: what else happens when an innovation is created, moved to
another committee, or given an evaluation, a document or a status report.

The services call them inside their transaction; the apps above connect their receivers in
their ``AppConfig.ready()`` (``reminders``: the checkpoints of the phase, completing the
evaluation and documentation checkpoints, moving the committee's checkpoints).
"""

from __future__ import annotations

from core.hooks import Hook

#: (actor, innovation): a new innovation starts in ``need``.
innovation_created = Hook("innovation_created")
#: (actor, innovation, previous, committee, reason): an administrator moved the innovation.
committee_changed = Hook("committee_changed")
#: (actor, evaluation)
evaluation_submitted = Hook("evaluation_submitted")
#: (actor, document)
document_submitted = Hook("document_submitted")
#: (actor, status_report)
status_report_submitted = Hook("status_report_submitted")
