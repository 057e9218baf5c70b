"""Celery tasks of the escalation engine: thin interfaces over the services."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from escalation.services.cases import cases_propose
from escalation.services.duties import duties_raise
from escalation.services.queue import status_drain
from escalation.services.status import status_recompute_full
from registers.models import School
from registers.tasks import RETRY_ON

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=RETRY_ON, retry_backoff=True, max_retries=5)
def status_drain_task() -> int:
    """Recompute the pupils that register saves marked dirty (idempotent)."""
    return status_drain()


@shared_task(autoretry_for=RETRY_ON, retry_backoff=True, max_retries=3)
def status_recompute_nightly_task() -> dict[str, int]:
    """The nightly full run: every status, then duties and proposals for every school.

    Runs late in the evening so that the statuses the incremental path wrote today are
    compared as of the same date; any that differ are logged as drift.
    """
    today = timezone.localdate()
    result = status_recompute_full(today=today)
    if result.differed:
        logger.warning(
            "status drift: %d pupils differed from the full recompute: %s",
            len(result.differed),
            result.differed[:50],
        )
    if result.weeks_differed:
        logger.warning(
            "aggregate drift: the weekly rows of %d pupils differed from their marks "
            "and were rebuilt",
            result.weeks_differed,
        )
    raised = proposed = 0
    for school in School.objects.order_by("pk"):
        raised += duties_raise(school=school, today=today).raised
        proposed += cases_propose(school=school, today=today)
    return {
        "pupils": result.pupils,
        "differed": len(result.differed),
        "weeks_differed": result.weeks_differed,
        "duties_raised": raised,
        "proposals": proposed,
    }
