"""gunicorn hooks for Prometheus' multi-process mode (``--config workflow_project/gunicorn.conf.py``).

Every other setting comes from the command line. With ``PROMETHEUS_MULTIPROC_DIR`` set, a
worker that exits hands back its live gauges; the directory itself is emptied by whoever
starts the host's processes, before any of them (web and Celery share it).
"""

import os

from prometheus_client import multiprocess


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
