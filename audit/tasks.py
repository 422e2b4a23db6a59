"""The daily check of the hash chains (beat: ``audit-verify``)."""

from __future__ import annotations

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="audit.verify", acks_late=True, reject_on_worker_lost=True)
def verify_audit() -> int:
    findings = services.report_tampering()
    for finding in findings:
        logger.error("verify_audit: %s", finding)
    return len(findings)
