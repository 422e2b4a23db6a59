"""Append-only rows: the evidence, the transition log, audit events and the hash chain.

The model layer refuses ``save()`` of an existing row, ``delete()``, and queryset
``update()``/``delete()``; on the database a trigger (each app's migration) refuses a raw
``UPDATE`` or ``DELETE``.
"""

from __future__ import annotations

from django.db import models


class ImmutableRecordError(Exception):
    """Raised on an attempt to change or delete a recorded decision, follow-up or log row."""


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecordError(f"{self.model.__name__} rows are immutable")

    def delete(self):
        raise ImmutableRecordError(f"{self.model.__name__} rows are immutable")


class ImmutableRecord(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRecordError(
                f"{self.__class__.__name__} {self.pk} is recorded and cannot be changed; "
                "record a correction instead"
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError(
            f"{self.__class__.__name__} {self.pk} is recorded and cannot be deleted"
        )
