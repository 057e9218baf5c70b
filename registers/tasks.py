"""Celery tasks of the register: thin interfaces that load by id and call a service."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from registers.models import School
from registers.services.calendar import calendar_rebuild
from registers.services.retention import retention_purge


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def calendar_rebuild_task(school_id: int) -> int:
    """Rebuild a school's sessions and school weeks after its calendar changed."""
    school = School.objects.filter(id=school_id).first()
    if school is None:  # deleted since it was queued: nothing to do
        return 0
    return calendar_rebuild(school=school)


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=5)
def retention_purge_task() -> dict[str, int]:
    """The monthly purge of records past their retention period (idempotent: a retry or a
    second run removes only what is left). Returns the report's counts."""
    return retention_purge(today=timezone.localdate()).counts
