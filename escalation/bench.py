"""Benchmarks of the status engine (`make bench`; the trust-sized run with `--large`).

Data is generated in the database, not through the ORM: on PostgreSQL one
`INSERT … SELECT` over `generate_series` per table (22.8 million marks for the trust in a
minute or two), on SQLite the 2,000-pupil school's 760,000 marks with `executemany`.
The mix of codes is roughly the national one (93% present).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from attendance_project.celery import app as celery_app
from escalation.bench_dashboard import dashboard_views
from escalation.models import PupilStatus
from escalation.services.status import status_recompute_full, status_recompute_pupils
from registers.bench_import import CALENDAR
from registers.models import CalendarEntry, Enrolment, Pupil, School, SchoolSession
from registers.services.calendar import calendar_rebuild
from registers.services.marks import MarkEntry, marks_write
from registers.signals import marks_changed

AS_OF = date(2025, 7, 22)
_MIX = (  # (cumulative probability, code); AM/PM presence is filled in by session
    (0.930, "present"), (0.945, "L"), (0.975, "I"), (0.980, "M"), (0.988, "O"),
    (0.991, "N"), (0.995, "G"), (0.997, "U"), (0.999, "C"), (1.000, "#"),
)  # fmt: skip


def _schools(count: int, pupils_each: int, prefix: str) -> list[School]:
    schools = []
    for n in range(count):
        school = School.objects.create(urn=f"{prefix}{n:04d}", name=f"Bench {prefix}{n}")
        CalendarEntry.objects.bulk_create(
            CalendarEntry(
                school=school,
                start_date=date.fromisoformat(start),
                end_date=date.fromisoformat(end),
                kind=kind,
                label=label,
            )
            for start, end, kind, _s, label in CALENDAR
        )
        calendar_rebuild(school=school)
        schools.append(school)
    _pupils(schools, pupils_each, prefix)
    return schools


def _pupils(schools: list[School], each: int, prefix: str) -> None:
    rows = [
        Pupil(
            upn=f"B{prefix}{s:04d}{n:06d}"[:13],
            surname="Bench",
            forename=f"P{n}",
            date_of_birth=date(2015, 5, 1),
            year_group="4",
        )
        for s in range(len(schools))
        for n in range(each)
    ]
    created = Pupil.objects.bulk_create(rows, batch_size=5000)
    Enrolment.objects.bulk_create(
        (
            Enrolment(pupil=p, school=schools[i // each], admission_date=date(2024, 9, 1))
            for i, p in enumerate(created)
        ),
        batch_size=5000,
    )


def _marks_postgresql(schools: list[School]) -> None:
    """One INSERT … SELECT over enrolments × sessions, into an index-free marks table.

    1. Drop the marks table's secondary indexes (the unique constraint too) and skip the
       foreign-key triggers for this transaction: every row's school, pupil and code
       comes from a table the same statement reads, so they hold by construction, and
       22.8 million per-row index insertions and key look-ups cost minutes.
    2. Insert every mark in one statement.
    3. Re-create the indexes (sorted builds) and refresh the planner's statistics.
    """
    case = " ".join(
        f"WHEN r < {p} THEN "
        + ("CASE WHEN session = 'AM' THEN '/' ELSE '\\' END" if c == "present" else f"'{c}'")
        for p, c in _MIX
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        rebuild = _drop_secondary_indexes(cursor, "registers_mark")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            f"""
            INSERT INTO registers_mark
                (school_id, pupil_id, date, session, code, recorded_at, source)
            SELECT school_id, pupil_id, date, session, CASE {case} END, now(), 'import'
            FROM (
                SELECT e.school_id, e.pupil_id, s.date, s.session, random() AS r
                FROM registers_enrolment e
                JOIN registers_schoolsession s ON s.school_id = e.school_id
                WHERE e.school_id = ANY(%s)
            ) t
            """,
            [[s.pk for s in schools]],
        )
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        for statement in rebuild:
            cursor.execute(statement)
        for table in ("mark", "enrolment", "pupil", "schoolsession", "schoolweek"):
            cursor.execute(f"ANALYZE registers_{table}")


def _drop_secondary_indexes(cursor: CursorWrapper, table: str) -> list[str]:
    """Drop the table's unique constraints and non-primary indexes; return the DDL that
    re-creates them."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'u'",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _ddl in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ddl in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [f'ALTER TABLE {table} ADD CONSTRAINT "{n}" {ddl}' for n, ddl in constraints] + [
        ddl for _n, ddl in indexes
    ]


def _marks_sqlite(schools: list[School]) -> None:
    rng = random.Random(2024)
    now = timezone.now().isoformat()
    with connection.cursor() as cursor:
        for school in schools:
            sessions = list(
                SchoolSession.objects.filter(school=school).values_list("date", "session")
            )
            pupils = Enrolment.objects.filter(school=school).values_list("pupil_id", flat=True)
            rows = []
            for pupil_id in pupils:
                for day, half in sessions:
                    r = rng.random()
                    code = next(c for p, c in _MIX if r < p)
                    if code == "present":
                        code = "/" if half == "AM" else "\\"
                    rows.append((school.pk, pupil_id, day.isoformat(), half, code, now, "import"))
            cursor.executemany(
                "INSERT INTO registers_mark "
                "(school_id, pupil_id, date, session, code, recorded_at, source) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                rows,
            )


def _load(count: int, each: int, prefix: str) -> list[School]:
    with transaction.atomic():
        schools = _schools(count, each, prefix)
        if connection.vendor == "postgresql":
            _marks_postgresql(schools)
        else:
            _marks_sqlite(schools)
    return schools


def _timed_full(schools: list[School]) -> float:
    started = time.perf_counter()
    status_recompute_full(schools=schools, today=AS_OF)
    return time.perf_counter() - started


def status_2000_pupils(workdir: Path, large: bool) -> dict[str, float]:
    """Full recompute of one 2,000-pupil school, then the incremental path's p95."""
    (school,) = _load(1, 2000, "95")
    status_recompute_full(schools=[school], today=AS_OF)  # warm caches, as a nightly run
    full = _timed_full([school])
    pupils = list(Enrolment.objects.filter(school=school).values_list("pupil_id", flat=True))
    rng = random.Random(7)
    timings = []
    # Time the recompute itself: keep the listener from queueing drains to a broker.
    marks_changed.disconnect(dispatch_uid="escalation.recompute")
    for n in range(30):
        register = pupils[30 * n : 30 * n + 30]  # one class
        day = date(2025, 7, 14)
        entries = [
            MarkEntry(pupil_id=p, date=day, session="AM", code=rng.choice(["/", "N", "L"]))
            for p in register
        ]
        with transaction.atomic():
            marks_write(school=school, entries=entries, user=None, source="register")
            started = time.perf_counter()
            status_recompute_pupils(school=school, pupil_ids=register, today=AS_OF, dates=[day])
            timings.append((time.perf_counter() - started) * 1000)
    from escalation.apps import _on_marks_changed

    marks_changed.connect(_on_marks_changed, dispatch_uid="escalation.recompute")
    figures = {
        "status_full_2000_pupils_s": full,
        "status_incremental_ms": statistics.quantiles(timings, n=20)[18],  # p95
    }
    visible = _worker_visible_ms(school, pupils, workdir / "worker.log")
    if visible:
        figures["status_incremental_worker_visible_ms"] = statistics.quantiles(visible, n=20)[18]
    return figures


def _worker_visible_ms(school: School, pupils: list[int], log: Path) -> list[float]:
    """Commit of a register save to its pupils' statuses being readable, through the
    real path: marks_changed, the dirty queue, Redis, a `celery worker` and the drain.

    Needs PostgreSQL (the worker shares the database) and CELERY_BROKER_URL naming
    Redis; returns [] otherwise. The worker computes as of the machine's date, not AS_OF.
    """
    broker = settings.CELERY_BROKER_URL
    if connection.vendor != "postgresql" or not broker.startswith("redis://"):
        return []
    db = connection.settings_dict
    queue = f"bench-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    output = log.open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "attendance_project", "worker", "--pool", "solo",
         "--queues", queue, "--loglevel", "INFO", "--without-heartbeat", "--without-gossip",
         "--without-mingle"],
        cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
    )  # fmt: skip
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = False, queue
    timings: list[float] = []
    try:
        for n in range(21):  # the first warms the worker up and is not counted
            register = pupils[30 * n : 30 * n + 30]
            entries = [
                MarkEntry(pupil_id=p, date=date(2025, 7, 15), session="PM", code=code)
                for p in register
                for code in ["N" if p % 2 else "O"]
            ]
            statuses = PupilStatus.objects.filter(school=school, pupil_id__in=register)
            before = dict(statuses.values_list("pupil_id", "computed_at"))
            with transaction.atomic():
                written = marks_write(school=school, entries=entries, user=None, source="register")
            committed = time.perf_counter()
            changed = {c.mark.pupil_id for c in written.changed} | {
                m.pupil_id for m in written.created
            }
            watched = statuses.filter(pupil_id=min(changed))
            deadline = committed + (60 if n == 0 else 30)
            while watched.values_list("computed_at", flat=True).first() == before.get(min(changed)):
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"the worker never recomputed the pupils; see {log}")
                time.sleep(0.005)
            if n:
                timings.append((time.perf_counter() - committed) * 1000)
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        worker.terminate()
        worker.wait(timeout=30)
        output.close()
    return timings


def status_60000_pupils(workdir: Path, large: bool) -> dict[str, float]:
    """A 60,000-pupil trust (30 schools), one year: full recompute vs one plain scan."""
    if not large or connection.vendor != "postgresql":
        return {}
    started = time.perf_counter()
    schools = _load(30, 2000, "96")
    loaded = time.perf_counter() - started
    ids = [s.pk for s in schools]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registers_mark WHERE school_id = ANY(%s)", [ids])
        (marks,) = cursor.fetchone()
        started = time.perf_counter()
        cursor.execute(
            """
            SELECT count(*) FROM (
                SELECT school_id, pupil_id,
                    SUM(CASE WHEN code IN ('/', '\\', 'L', 'K', 'V', 'P', 'W', 'B')
                        THEN 1 ELSE 0 END),
                    SUM(CASE WHEN code IN ('G', 'N', 'O', 'U') THEN 1 ELSE 0 END),
                    count(*)
                FROM registers_mark WHERE school_id = ANY(%s)
                GROUP BY school_id, pupil_id
            ) t
            """,
            [ids],
        )
        scan = time.perf_counter() - started
    cold = _timed_full(schools)  # from an empty aggregate: every row inserted
    full = _timed_full(schools)  # the nightly case, as for the 2,000 pupils
    return {
        "status_full_60000_pupils_s": full,
        "status_full_60000_pupils_cold_s": cold,
        "marks_scan_60000_pupils_s": scan,
        "status_60000_marks_millions": marks / 1e6,
        "status_60000_load_s": loaded,
    }


BENCHMARKS = [status_2000_pupils, status_60000_pupils, dashboard_views]
