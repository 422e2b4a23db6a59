"""Serializers of the named API tokens (``/api/v1/tokens/`` and ``/api/v1/auth/token/``)."""

from __future__ import annotations

from rest_framework import serializers

from access.models import ApiToken, RevokedBecause


class ApiTokenOut(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    revoked_because = serializers.ChoiceField(
        choices=[("", ""), *RevokedBecause.choices], read_only=True
    )

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "owner",
            "organisation",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "revoked_because",
        ]


class ApiTokenCreatedOut(ApiTokenOut):
    """Only the answer to the creation carries the key: it is stored hashed, never shown again."""

    token = serializers.CharField(read_only=True)

    class Meta(ApiTokenOut.Meta):
        fields = [*ApiTokenOut.Meta.fields, "token"]


class ApiTokenIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    days = serializers.IntegerField(required=False, min_value=1)
