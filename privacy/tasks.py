"""The daily retention run, thin over ``services.purge_expired``."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="privacy.purge_expired", ignore_result=True, acks_late=True)
def purge_expired() -> str:
    return services.purge_expired().summary()
