"""The reminder sweep's own Prometheus metrics, observed in the process that runs it.

In multi-process mode (``PROMETHEUS_MULTIPROC_DIR`` set for web and workers alike) each
process writes its samples to that directory and ``/metrics`` adds them up; the figures that
live in the database (reminders by channel, the oldest undelivered) are read at scrape time
by ``workflow_project.metrics`` instead.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

SWEEP_DURATION = Histogram(
    "spor_reminder_sweep_duration_seconds",
    "How long one reminder sweep took (recording, requeue and reclaim).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
SWEEP_DUE = Counter(
    "spor_reminder_sweep_due_checkpoints",
    "Checkpoints the sweeps found due, added up.",
)
SWEEP_LAST_DUE = Gauge(
    "spor_reminder_sweep_last_due_checkpoints",
    "Checkpoints the latest sweep found due.",
    multiprocess_mode="mostrecent",
)
SWEEP_LAST_RUN = Gauge(
    "spor_reminder_sweep_last_run_timestamp_seconds",
    "When the latest sweep ended (Unix time).",
    multiprocess_mode="mostrecent",
)


def observe_sweep(*, seconds: float, due: int, ended: float) -> None:
    SWEEP_DURATION.observe(seconds)
    SWEEP_DUE.inc(due)
    SWEEP_LAST_DUE.set(due)
    SWEEP_LAST_RUN.set(ended)
