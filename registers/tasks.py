"""Celery tasks of the register: thin interfaces that load by id and call a service."""

from __future__ import annotations

from celery import shared_task

from registers.models import School
from registers.services.calendar import calendar_rebuild


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def calendar_rebuild_task(school_id: int) -> int:
    """Rebuild a school's sessions and school weeks after its calendar changed."""
    school = School.objects.filter(id=school_id).first()
    if school is None:  # deleted since it was queued: nothing to do
        return 0
    return calendar_rebuild(school=school)
