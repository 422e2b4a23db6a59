"""Personal data held by the apps beside ``privacy``: how they join its three duties.

``privacy`` (a person's data export, ``anonymise_person``, the daily retention purge) sits
on the same floor as ``politics`` and may not import it. An app on that floor registers a
contributor here in its ``AppConfig.ready()``, and ``privacy`` calls every contributor:

- ``exporter(person)`` returns the export's sections of the person's rows (JSON-ready
  values), in a fixed number of queries whatever the amount of history;
- ``anonymiser(person=..., public_name=...)`` runs inside the anonymisation's transaction,
  before the person's own row is rewritten (the old name is still on it), and neutralises
  what the app holds of the person;
- ``expired(now)`` returns, per kind, the querysets of rows whose retention period is over;
  the purge deletes them in batches.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

Exporter = Callable[[Any], dict[str, list[dict[str, Any]]]]
Anonymiser = Callable[..., None]
Expired = Callable[[datetime.datetime], dict[str, QuerySet]]


@dataclasses.dataclass(frozen=True)
class Contributor:
    name: str
    exporter: Exporter
    anonymiser: Anonymiser
    expired: Expired


_contributors: dict[str, Contributor] = {}


def register(name: str, *, exporter: Exporter, anonymiser: Anonymiser, expired: Expired) -> None:
    """Add (or, when ``ready()`` runs again, replace) the contributor called ``name``."""
    _contributors[name] = Contributor(name, exporter, anonymiser, expired)


def contributors() -> tuple[Contributor, ...]:
    return tuple(_contributors.values())


def retention_period(name: str) -> datetime.timedelta:
    """The period of the ``SPOR_RETENTION_*_DAYS`` setting ``name``, read when called."""
    return datetime.timedelta(days=int(getattr(settings, name)))


def merged(parts: dict[str, Any], more: dict[str, Any], *, source: str) -> dict[str, Any]:
    """``parts`` with ``more`` added; a name given twice is a mistake, not an override."""
    clash = parts.keys() & more.keys()
    if clash:
        raise ImproperlyConfigured(f"{source} gives {sorted(clash)} a second time")
    return {**parts, **more}
