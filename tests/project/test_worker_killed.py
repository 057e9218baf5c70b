"""A worker killed in the middle of a status recompute loses nothing: its transaction is
rolled back, the pupils stay queued in the database, and the next drain (the beat runs
one every five minutes, and every register save sends one) finishes the work."""

from __future__ import annotations

import datetime as dt
import time

import psycopg
import pytest
from django.db import transaction
from django.utils import timezone

from escalation.models import DirtyPupil, PupilStatus
from escalation.services.status import status_recompute_full
from escalation.tasks import status_drain_task
from registers.models import CalendarEntry, School
from registers.services.calendar import calendar_rebuild
from registers.services.marks import MarkEntry, marks_write
from tests.conftest import RunningWorker, database_url, start_worker
from tests.registers.factories import PupilFactory, SchoolFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres]


def _wait(predicate, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _blocked_on_our_lock(conn: psycopg.Connection) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    ).fetchone()
    return bool(row and row[0])


def _other_backends_in_transaction(conn: psycopg.Connection) -> int:
    row = conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
    ).fetchone()
    return int(row[0]) if row else 0


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_recompute_loses_nothing(celery_worker_process: RunningWorker) -> None:
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    school: School = SchoolFactory(urn="123458", name="Killed Worker Primary")
    CalendarEntry.objects.create(
        school=school,
        start_date=monday - dt.timedelta(weeks=2),
        end_date=monday + dt.timedelta(days=6),
        kind="term",
    )
    calendar_rebuild(school=school)
    pupil = PupilFactory(school=school, school__admission_date=monday - dt.timedelta(weeks=3))
    status_recompute_full(schools=[school], today=today)
    status = PupilStatus.objects.get(school=school, pupil=pupil)
    assert status.unauthorised == 0

    url = database_url().replace("postgres://", "postgresql://")
    with psycopg.connect(url) as locker:
        # Hold the status row, so the worker's recompute stops half way, inside its
        # transaction (after claiming the queued pupil, before writing the status).
        locker.execute(
            "SELECT id FROM escalation_pupilstatus WHERE id = %s FOR UPDATE", [status.pk]
        )
        with transaction.atomic():
            marks_write(
                school=school,
                entries=[MarkEntry(pupil_id=pupil.pk, date=monday, session="AM", code="O")],
                user=None,
                source="register",
            )
        with psycopg.connect(url, autocommit=True) as watcher:
            _wait(lambda: _blocked_on_our_lock(watcher), "the worker to block on the status row")
            worker = celery_worker_process.process
            worker.kill()  # SIGKILL: no clean-up, no acknowledgement
            worker.wait(timeout=20)
            locker.rollback()  # let the orphaned transaction run on, find its client gone, roll back
            _wait(lambda: _other_backends_in_transaction(watcher) == 0, "the rollback")

    assert DirtyPupil.objects.filter(school=school, pupil=pupil).exists(), (
        "the queued pupil was lost"
    )
    assert PupilStatus.objects.get(pk=status.pk).unauthorised == 0, "a half-done write committed"

    replacement = start_worker(celery_worker_process)
    try:
        status_drain_task.delay()  # what the beat schedule sends every five minutes
        _wait(
            lambda: PupilStatus.objects.get(pk=status.pk).unauthorised == 1,
            "the next worker to finish the recompute",
        )
        assert not DirtyPupil.objects.filter(school=school, pupil=pupil).exists()
    finally:
        replacement.terminate()
        replacement.communicate(timeout=20)
