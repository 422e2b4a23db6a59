"""The OpenAPI schema describes every error a client can get, in the shapes of
``api.exceptions``: drf-spectacular's AutoSchema, with the error responses added."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField()


class ValidationErrorOut(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ConflictOut(serializers.Serializer):
    detail = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class SporAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors: dict[str, tuple[type[serializers.Serializer], str]] = {
            "400": (ValidationErrorOut, "Invalid input: the field errors say what to change."),
            "404": (ErrorOut, "Not found, or not yours to see."),
        }
        public = any(isinstance(p, AllowAny) for p in self.view.get_permissions())
        if not public:
            errors["401"] = (ErrorOut, "Not authenticated.")
            errors["403"] = (ErrorOut, "Your role may not do this; the detail says why.")
        if self.method in ("POST", "PATCH", "PUT", "DELETE"):
            errors["409"] = (
                ConflictOut,
                "Not possible now, or a concurrent change won; the reasons say why.",
            )
        errors["414"] = (ErrorOut, "The address (with its query) is too long.")
        if getattr(self.view, "throttle_scope", None):
            errors["429"] = (ErrorOut, "Too many requests; try again later.")
        for code, (serializer, description) in errors.items():
            if code not in responses:
                response = self._get_response_for_code(serializer, code)
                response["description"] = description
                responses[code] = response
        return responses


def id_filters_from_one(result, generator, request, public):
    """Postprocessing hook: the id filters (``id_filter``) take whole numbers from 1, as the
    filters check; django-filter's extension would say any number."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if parameter.get("in") == "query" and schema.get("type") == "number":
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    return result
