"""Hook points: how a lower floor makes a higher one react without importing it.

The emitting app owns the hook (``decisions/hooks.py``, ``innovations/hooks.py``) and calls
``send`` from its service, inside the service's transaction; the reacting app connects its
receiver in its ``AppConfig.ready()``. Receivers run in the order they were connected (the
order of ``INSTALLED_APPS``), synchronously, so what they write commits or rolls back with
the write that caused it. Unlike Django's signals, a receiver's exception is never swallowed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Hook:
    def __init__(self, name: str) -> None:
        self.name = name
        self.receivers: list[Callable[..., Any]] = []

    def connect(self, receiver: Callable[..., Any]) -> Callable[..., Any]:
        if receiver not in self.receivers:
            self.receivers.append(receiver)
        return receiver

    def send(self, **kwargs: Any) -> None:
        for receiver in self.receivers:
            receiver(**kwargs)

    # Calling the hook sends it: ``hooks.decision_recorded(actor=..., decision=...)``.
    __call__ = send

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self.receivers)} receivers>"
