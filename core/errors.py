"""Domain errors. The API maps them to HTTP in one exception handler; the web UI shows them."""

from __future__ import annotations


class SporError(Exception):
    """Base of every error Spor's services raise on purpose."""

    def __init__(
        self, message: str = "", *, reasons: list[str] | None = None, field: str | None = None
    ) -> None:
        self.message = message or self.default_message
        self.reasons = reasons or []
        # The input the refusal is about (e.g. "transition"), for a form to show it there.
        self.field = field
        super().__init__(self.message)

    default_message = "The request could not be carried out."


class PermissionDenied(SporError):
    default_message = "You may not do this."


class NotFound(SporError):
    default_message = "Not found."


class ValidationFailed(SporError):
    """Bad input. ``errors`` maps field names to lists of messages."""

    def __init__(self, errors: dict[str, list[str]] | str, message: str = "") -> None:
        if isinstance(errors, str):
            errors = {"non_field_errors": [errors]}
        self.errors = errors
        first = next(iter(errors.values()))[0] if errors else ""
        super().__init__(message or first)


class TransitionNotPossible(SporError):
    default_message = "The transition is not possible now."


class ConcurrentChange(SporError):
    default_message = "Someone else changed this innovation while you were acting."
