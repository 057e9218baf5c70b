"""A real Celery worker (the `celery_worker_process` fixture of tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from registers.models import CalendarEntry, School, SchoolSession
from registers.tasks import calendar_rebuild_task


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_rebuilds_the_calendar_it_is_sent(celery_worker_process: str) -> None:
    school = School.objects.create(urn="123456", name="Worker Test Primary", phase="primary")
    CalendarEntry.objects.create(
        school=school, start_date=dt.date(2024, 9, 2), end_date=dt.date(2024, 9, 13), kind="term"
    )

    calendar_rebuild_task.delay(school.id)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not SchoolSession.objects.filter(school=school).exists():
        time.sleep(0.2)
    assert SchoolSession.objects.filter(school=school).count() == 20  # 10 weekdays × AM/PM
