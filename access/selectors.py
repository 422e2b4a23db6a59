"""Which API tokens a person sees: their own; an administrator also their organisation's."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import ApiToken


def tokens_visible_to(user) -> QuerySet[ApiToken]:
    if not user or not user.is_authenticated:
        return ApiToken.objects.none()
    tokens = ApiToken.objects.select_related("owner", "revoked_by")
    if user.is_superuser:
        return tokens
    if user.is_administrator:
        return tokens.filter(Q(owner=user) | Q(organisation_id=user.organisation_id))
    return tokens.filter(owner=user)
