"""One place that turns Spor's domain errors and DRF's own into HTTP responses.

Shapes, for every endpoint:

- 400 ``{"detail": str, "errors": {field: [message, ...]}}``
- 401, 403, 404, 405, 429 ``{"detail": str}``
- 409 ``{"detail": str, "reasons": [str, ...]}``
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core import errors
from core.records import ImmutableRecordError


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details as ``{"field" or "field.0.sub": [messages]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if name == "non_field_errors" or (not prefix and key == "detail"):
                name = "non_field_errors" if not prefix else name
            for field, messages in flatten_errors(value, name).items():
                flat.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            flat.setdefault(prefix or "non_field_errors", []).extend(str(item) for item in detail)
        else:
            for index, item in enumerate(detail):
                if item in ({}, []):
                    continue
                name = f"{prefix}.{index}" if prefix else str(index)
                for field, messages in flatten_errors(item, name).items():
                    flat.setdefault(field, []).extend(messages)
    else:
        flat.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return flat


def bad_request(field_errors: dict[str, list[str]], detail: str = "") -> Response:
    field_errors = {key: [str(m) for m in messages] for key, messages in field_errors.items()}
    if not detail:
        detail = next(iter(field_errors.values()))[0] if field_errors else _("Invalid input.")
    return Response(
        {"detail": str(detail), "errors": field_errors}, status=status.HTTP_400_BAD_REQUEST
    )


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, errors.ValidationFailed):
        return bad_request(exc.errors, exc.message)
    if isinstance(exc, errors.PermissionDenied):
        return Response({"detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, errors.NotFound):
        return Response({"detail": exc.message}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, errors.TransitionNotPossible | errors.ConcurrentChange):
        return Response(
            {"detail": exc.message, "reasons": [str(r) for r in exc.reasons]},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, ImmutableRecordError):
        return Response(
            {
                "detail": _(
                    "Recorded decisions and follow-ups cannot be changed; record a correction."
                )
            },
            status=status.HTTP_405_METHOD_NOT_ALLOWED,
        )
    if isinstance(exc, exceptions.ValidationError):
        response = bad_request(flatten_errors(exc.detail))
        return response
    if isinstance(exc, exceptions.ParseError):
        return bad_request({"non_field_errors": [str(exc.detail)]}, str(exc.detail))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response
