"""What a person may see: one definition for every table that belongs to an organisation.

``Model.objects.visible_to(user)``: a superuser sees every organisation's rows, a person the
rows of their own organisation, anyone else (no organisation, signed out) nothing. Each
model's queryset says where its organisation is (``organisation_field``).
"""

from __future__ import annotations

from typing import Self

from django.db import models


class OrganisationScopedQuerySet(models.QuerySet):
    organisation_field = "organisation"

    def visible_to(self, user) -> Self:
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        if not user.organisation_id:
            return self.none()
        return self.filter(**{f"{self.organisation_field}_id": user.organisation_id})
