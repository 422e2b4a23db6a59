"""Logs: one JSON object per line in production, readable text in development.

Every record carries where it came from: the request (its id, taken from a valid
``X-Request-ID`` or made up, and returned in the response), the signed-in person and their
organisation, or the Celery task (its id and name). ``RequestContextMiddleware`` and the
Celery signals in ``workflow_project/celery.py`` set that context; ``ContextFilter`` adds it
to each record; ``LOG_FORMAT`` (``json`` or ``text``, ``json`` unless ``DEBUG``) chooses the
formatter.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import uuid

from django.core.signals import request_finished

CONTEXT_FIELDS = ("request_id", "user_id", "organisation", "task_id", "task")
_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "spor_log_context", default=None
)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def bind(**values) -> contextvars.Token:
    """Add ``values`` to the context of what this thread logs next; ``unbind`` the token."""
    return _context.set({**(_context.get() or {}), **values})


def unbind(token: contextvars.Token) -> None:
    try:
        _context.reset(token)
    except ValueError:  # bound in another context (a task's signals in another thread)
        _context.set(None)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get() or {}
        for field in CONTEXT_FIELDS:
            if not hasattr(record, field):
                setattr(record, field, context.get(field))
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                event[field] = value
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        return json.dumps(event, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(
            f"{field}={getattr(record, field)}"
            for field in CONTEXT_FIELDS
            if getattr(record, field, None) is not None
        )
        return f"{line} [{context}]" if context else line


class RequestContextMiddleware:
    """Binds the request id, the person and the organisation for the request's logs.

    Placed after the authentication middleware; the id goes back as ``X-Request-ID``.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        user = getattr(request, "user", None)
        authenticated = user is not None and user.is_authenticated
        # A fresh context, left bound until the request is finished (``request_finished``):
        # Django logs a 4xx or 5xx after the middleware has returned.
        _context.set(
            {
                "request_id": request_id,
                "user_id": user.pk if authenticated else None,
                "organisation": getattr(user, "organisation_id", None) if authenticated else None,
            }
        )
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def _request_finished(**kwargs) -> None:
    _context.set(None)


request_finished.connect(_request_finished, dispatch_uid="spor-log-context")


def logging_config(*, log_format: str, level: str) -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "workflow_project.logs.ContextFilter"}},
        "formatters": {
            "json": {"()": "workflow_project.logs.JsonFormatter"},
            "text": {
                "()": "workflow_project.logs.TextFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }
