"""Celery tasks of the register: thin interfaces that load by id and call a service."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from registers.models import School
from registers.services.calendar import calendar_rebuild
from registers.services.retention import retention_purge

# What every task of the project retries on, with exponential backoff: a lost connection
# to the database or the broker, a file store that did not answer. Tasks are written to
# be idempotent, so running one again after a failure part-way is safe.
RETRY_ON: tuple[type[Exception], ...] = (OSError, OperationalError, InterfaceError)


@shared_task(autoretry_for=RETRY_ON, retry_backoff=True, max_retries=5)
def calendar_rebuild_task(school_id: int) -> int:
    """Rebuild a school's sessions and school weeks after its calendar changed."""
    school = School.objects.filter(id=school_id).first()
    if school is None:  # deleted since it was queued: nothing to do
        return 0
    return calendar_rebuild(school=school)


@shared_task(autoretry_for=RETRY_ON, retry_backoff=True, max_retries=5)
def retention_purge_task() -> dict[str, int]:
    """The monthly purge of records past their retention period (idempotent: a retry or a
    second run removes only what is left). Returns the report's counts."""
    return retention_purge(today=timezone.localdate()).counts
