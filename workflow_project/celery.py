import os

from celery import Celery, signals

from . import logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow_project.settings")

app = Celery("spor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
_task_tokens: dict = {}


@signals.task_prerun.connect
def _bind_task_context(task_id=None, task=None, **kwargs) -> None:
    """Every log record of a task names it (workflow_project/logs.py)."""
    _task_tokens[task_id] = logs.bind(task_id=task_id, task=getattr(task, "name", None))


@signals.task_postrun.connect
def _unbind_task_context(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        logs.unbind(token)
