"""Shared fixtures: a school with the §6.0 calendar, and a persona for every role.

Personas follow healthchecks' `BaseTestCase`: a user of the school in each role, a trust
leader of its trust, and a headteacher of another school, so every view can be checked
for the right role, a wrong role and the wrong school.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.db import connection

from attendance_project.celery import app as celery_app
from registers.models import CalendarEntry, Role, School, Trust, User
from registers.services.calendar import calendar_rebuild
from tests.registers.factories import (
    MembershipFactory,
    SchoolFactory,
    TrustFactory,
    UserFactory,
)

# Playwright and axe-core for every app's browser tests (one browser per session).
pytest_plugins = ["tests.browser_support"]

# The "Test School A" calendar of rules §6.0: (start, end, kind, sessions, label).
FIXTURE_CALENDAR: tuple[tuple[str, str, str, str, str], ...] = (
    ("2024-09-02", "2024-12-20", "term", "", "Autumn 2024"),
    ("2024-09-02", "2024-09-02", "inset", "", "INSET"),
    ("2024-10-28", "2024-11-01", "holiday", "", "Half term"),
    ("2025-01-06", "2025-02-14", "term", "", "Spring 1"),
    ("2025-02-24", "2025-05-23", "term", "", "Spring 2 and Summer 1"),
    ("2025-04-07", "2025-04-18", "holiday", "", "Easter"),
    ("2025-04-21", "2025-04-21", "holiday", "", "Easter Monday"),
    ("2025-05-05", "2025-05-05", "holiday", "", "May bank holiday"),
    ("2025-06-02", "2025-07-21", "term", "", "Summer 2"),
    ("2025-07-21", "2025-07-21", "closure", "PM", "Term ends at lunchtime"),
    ("2025-09-01", "2025-10-24", "term", "", "Autumn 1 2025"),
    ("2025-09-01", "2025-09-02", "inset", "", "INSET"),
    ("2025-11-03", "2025-12-19", "term", "", "Autumn 2 2025"),
)

MemberMaker = Callable[..., User]


def add_calendar(school: School, rows=FIXTURE_CALENDAR) -> None:
    """Store calendar rows for `school` and derive its sessions and school weeks."""
    CalendarEntry.objects.bulk_create(
        CalendarEntry(
            school=school,
            start_date=dt.date.fromisoformat(start),
            end_date=dt.date.fromisoformat(end),
            kind=kind,
            sessions=sessions,
            label=label,
        )
        for start, end, kind, sessions, label in rows
    )
    calendar_rebuild(school=school)


@pytest.fixture
def trust(db: None) -> Trust:
    return TrustFactory(name="Test Learning Trust")


@pytest.fixture
def school(trust: Trust) -> School:
    """Test School A: in `trust`, with the §6.0 calendar built into sessions and weeks."""
    school = SchoolFactory(urn="100001", name="Test School A", trust=trust)
    add_calendar(school)
    return school


@pytest.fixture
def sibling_school(trust: Trust) -> School:
    """A second school of the same trust (no calendar)."""
    return SchoolFactory(urn="100002", name="Test School B", trust=trust)


@pytest.fixture
def other_school(db: None) -> School:
    """A school of another trust, which nobody at `school` may see."""
    return SchoolFactory(urn="100099", name="Elsewhere Primary", trust=TrustFactory())


@pytest.fixture
def member(db: None) -> MemberMaker:
    """`member(role, school=...)` or `member(Role.TRUST_LEADER, trust=...)`: a new user."""

    def make(
        role: Role,
        *,
        school: School | None = None,
        trust: Trust | None = None,
        **user_fields: object,
    ) -> User:
        user = UserFactory(position=Role(role).label, **user_fields)
        if trust is not None:
            MembershipFactory(user=user, school=None, trust=trust, role=role)
        else:
            MembershipFactory(user=user, school=school, role=role)
        return user

    return make


@pytest.fixture
def personas(school: School, trust: Trust, member: MemberMaker) -> dict[Role, User]:
    """One user per role at `school`; the trust leader through the school's trust."""
    return {
        role: member(role, trust=trust)
        if role == Role.TRUST_LEADER
        else member(role, school=school)
        for role in Role
    }


@pytest.fixture
def office(personas: dict[Role, User]) -> User:
    return personas[Role.OFFICE]


@pytest.fixture
def teacher(personas: dict[Role, User]) -> User:
    return personas[Role.TEACHER]


@pytest.fixture
def lead(personas: dict[Role, User]) -> User:
    return personas[Role.ATTENDANCE_LEAD]


@pytest.fixture
def head(personas: dict[Role, User]) -> User:
    return personas[Role.HEADTEACHER]


@pytest.fixture
def governor(personas: dict[Role, User]) -> User:
    return personas[Role.GOVERNOR]


@pytest.fixture
def trust_leader(personas: dict[Role, User]) -> User:
    return personas[Role.TRUST_LEADER]


@pytest.fixture
def outsider(other_school: School, member: MemberMaker) -> User:
    """The headteacher of another trust's school."""
    return member(Role.HEADTEACHER, school=other_school)


@pytest.fixture
def superuser(db: None) -> User:
    return UserFactory(username="root", is_staff=True, is_superuser=True, position="Admin")


# --- A real Celery worker ----------------------------------------------------------------
# Runs where the broker is a server (Redis in CI's second pass) and the database can be
# shared between processes (PostgreSQL); skipped on the embedded defaults, and a failure
# rather than a skip when REQUIRE_SERVICES=1 says those services must be there.


def _services_available() -> str | None:
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        return "the broker is not Redis"
    if connection.vendor != "postgresql":
        return "the database is not PostgreSQL"
    return None


def database_url(name: str | None = None) -> str:
    """A URL of the PostgreSQL server the tests use: its database `name`, by default the
    test database itself."""
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name or db['NAME']}"


class RunningWorker(str):
    """The worker's queue name, carrying the worker process (for tests that kill it)."""

    process: subprocess.Popen[str]


def start_worker(queue: str) -> subprocess.Popen[str]:
    """`celery worker` (solo pool) on `queue`, pointed at the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "attendance_project.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "attendance_project", "worker",
            "--pool", "solo", "--queues", queue, "--loglevel", "WARNING",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip


@pytest.fixture
def celery_worker_process(django_db_setup, django_db_blocker) -> Iterator[RunningWorker]:
    """Start `celery worker` on a queue of its own, pointed at the test database."""
    reason = _services_available()
    if reason:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(f"needs a real broker and a shared database: {reason}")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    with django_db_blocker.unblock():
        worker = start_worker(queue)
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    running = RunningWorker(queue)
    running.process = worker
    try:
        yield running
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
