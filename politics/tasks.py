"""Thin Celery tasks over the politics services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="politics.send_briefings", ignore_result=True, acks_late=True)
def send_briefings() -> int:
    return len(services.send_briefings())
