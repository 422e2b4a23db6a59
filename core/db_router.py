"""Reads from a replica, for the pages that only read.

With ``DATABASE_REPLICA_URL`` set there is a second database alias, ``replica``. A view that
only reads (the dashboard, the catalogue, the barometer, the CSV exports) runs under
``reads_from_replica``, and while it does every read goes to the replica. Everything else,
and every read inside a transaction (a service that reads before it writes, a
``select_for_update``), stays on ``default``, the primary. Without a replica, nothing changes.

A replica lags the primary by a moment: a page that reads from it may not yet show what was
recorded a moment ago. The pages chosen are overviews and searches, where that is harmless;
the innovation's own page, the follow-ups and every form read the primary.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator

from django.db import connections
from django.http import HttpResponse, StreamingHttpResponse

REPLICA = "replica"
_reading_from_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "spor_reading_from_replica", default=False
)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def reads_from_replica(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a read-only view, and the streaming of its response, with reads on the replica."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs) -> HttpResponse:
        with replica_reads():
            response = view(*args, **kwargs)
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = _streamed_from_replica(response.streaming_content)
        return response

    return wrapped


def _streamed_from_replica(content: Iterator[bytes]) -> Iterator[bytes]:
    # A streaming export reads as it is sent, after the view has returned.
    iterator = iter(content)
    while True:
        with replica_reads():
            chunk = next(iterator, None)
        if chunk is None:
            return
        yield chunk


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if not _reading_from_replica.get() or not replica_configured():
            return None
        if connections["default"].in_atomic_block:
            return None  # a transaction reads what it is about to write: the primary
        return REPLICA

    def db_for_write(self, model, **hints) -> str | None:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db: str, app_label: str, model_name=None, **hints) -> bool | None:
        return db != REPLICA
