"""Celery tasks of the reports app: thin interfaces over the services."""

from __future__ import annotations

from celery import shared_task

from registers.tasks import RETRY_ON
from reports.services import report_build


@shared_task(autoretry_for=RETRY_ON, retry_backoff=True, max_retries=3)
def report_build_task(report_id: int) -> str:
    """Build one requested report (idempotent: a finished report is left alone)."""
    return report_build(report_id=report_id).state
