"""A real Celery worker on Redis sees a register save change a pupil's status."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import transaction
from django.utils import timezone

from escalation.models import PupilStatus
from registers.models import CalendarEntry, School
from registers.services.calendar import calendar_rebuild
from registers.services.marks import MarkEntry, marks_write
from tests.registers.factories import PupilFactory, SchoolFactory


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_register_save_reaches_the_pupils_status_through_the_worker(
    celery_worker_process: str,
) -> None:
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    school: School = SchoolFactory(urn="123457", name="Worker Escalation Primary")
    CalendarEntry.objects.create(
        school=school,
        start_date=monday - dt.timedelta(weeks=2),
        end_date=monday + dt.timedelta(days=6),
        kind="term",
    )
    calendar_rebuild(school=school)
    pupil = PupilFactory(school=school, school__admission_date=monday - dt.timedelta(weeks=3))

    with transaction.atomic():
        marks_write(
            school=school,
            entries=[MarkEntry(pupil_id=pupil.pk, date=monday, session="AM", code="O")],
            user=None,
            source="register",
        )

    deadline = time.monotonic() + 30
    status = None
    while time.monotonic() < deadline:
        status = PupilStatus.objects.filter(school=school, pupil=pupil).first()
        if status is not None:
            break
        time.sleep(0.2)
    assert status is not None, "the worker never wrote the status"
    assert (status.possible, status.unauthorised) == (1, 1)
    assert status.threshold_sessions_in_window == 1
