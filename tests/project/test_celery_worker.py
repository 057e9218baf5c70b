"""A real Celery worker, against the real broker and the test database.

Runs where the broker is a server (Redis in CI's second pass) and the database can be
shared between processes (PostgreSQL); skipped on the embedded defaults, and a failure
rather than a skip when REQUIRE_SERVICES=1 says those services must be there.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from attendance_project.celery import app as celery_app
from registers.models import CalendarEntry, School, SchoolSession
from registers.tasks import calendar_rebuild_task

BASE_DIR = Path(settings.BASE_DIR)


def _services_available() -> str | None:
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        return "the broker is not Redis"
    if connection.vendor != "postgresql":
        return "the database is not PostgreSQL"
    return None


def _database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def celery_worker_process(django_db_setup, django_db_blocker) -> Iterator[str]:
    """Start `celery worker` on a queue of its own, pointed at the test database."""
    reason = _services_available()
    if reason:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(f"needs a real broker and a shared database: {reason}")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    with django_db_blocker.unblock():
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "attendance_project.settings.test",
            "DATABASE_URL": _database_url(),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_TASK_DEFAULT_QUEUE": queue,
        }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "attendance_project",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        if output.strip():
            print(output)


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
