"""Benchmark of taking a register: a 30-pupil group in a 2,000-pupil school with a year of marks.

The school has the 2024/25 calendar (380 sessions), 2,000 pupils in forms of 30, and a
mark for every pupil and session (about 760,000, about 93% present) plus a taking row
for every register, except the last 230 sessions of the measured group, which are left
to be taken. The data is written with COPY on PostgreSQL and `executemany` elsewhere.

Each register is then loaded and saved through Django's test `Client` (the full stack:
middleware, session, access check, selector, form, service, template), as a teacher
would: GET the page, POST the whole register (mostly present, some late by arrival time,
some absent). The first 10 are warm-up; 220 first saves and 60 amending re-saves are
timed. Query counts are those of one load and one first save. Run it on a throwaway
database (`manage.py bench --only bench_register`).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registers.models import (
    CalendarEntry,
    Enrolment,
    Mark,
    Membership,
    Pupil,
    RegisterTaking,
    Role,
    School,
    SchoolSession,
    User,
)
from registers.register_rules import ENGLAND, present_code
from registers.selectors.register import register_times
from registers.services.calendar import calendar_rebuild
from registers.upn import make_upn

PUPILS = 2000
FORM_SIZE = 30
GROUP = "7A"  # the measured group: the first form, 30 pupils
WARM_UP, SAVES, RESAVES = 10, 220, 60
FORM_ENCODED = "application/x-www-form-urlencoded"

CALENDAR = (
    ("2024-09-02", "2024-12-20", "term", "Autumn"),
    ("2024-09-02", "2024-09-02", "inset", "INSET"),
    ("2024-10-28", "2024-11-01", "holiday", "Half term"),
    ("2025-01-06", "2025-04-04", "term", "Spring"),
    ("2025-02-17", "2025-02-21", "holiday", "Half term"),
    ("2025-04-22", "2025-07-22", "term", "Summer"),
    ("2025-05-05", "2025-05-05", "holiday", "Bank holiday"),
    ("2025-05-26", "2025-05-30", "holiday", "Half term"),
    ("2025-07-21", "2025-07-22", "inset", "INSET"),
)
# Roughly national proportions: about 93% present, the rest mostly illness and lateness.
_OTHER = ("L", "I", "M", "O", "N", "G", "U", "C", "B", "V", "R")
_WEIGHTS = (150, 300, 50, 80, 30, 50, 20, 30, 10, 10, 5)


def _school() -> School:
    taken = set(School.objects.filter(urn__startswith="8").values_list("urn", flat=True))
    urn = next(f"{n:06d}" for n in range(800000, 900000) if f"{n:06d}" not in taken)
    school = School.objects.create(urn=urn, name="Register Bench Academy", phase="secondary")
    CalendarEntry.objects.bulk_create(
        CalendarEntry(
            school=school,
            start_date=dt.date.fromisoformat(start),
            end_date=dt.date.fromisoformat(end),
            kind=kind,
            label=label,
        )
        for start, end, kind, label in CALENDAR
    )
    calendar_rebuild(school=school)
    return school


def _groups() -> Iterator[str]:
    for year in range(7, 12):
        for form in "ABCDEFGHJKLMNP":
            yield f"{year}{form}"


def _pupils(school: School) -> dict[str, list[int]]:
    """2,000 pupils in forms of 30 ("7A", "7B" …); their ids per group."""
    rng = random.Random(7)
    names = ["Smith", "Khan", "Jones", "Patel", "Brown", "Wilson", "Ali", "Taylor", "Evans"]
    pupils = Pupil.objects.bulk_create(
        (
            Pupil(
                upn=make_upn(la=998, establishment=9900 + i // 1000, year=2024, serial=i % 1000),
                surname=f"{rng.choice(names)}{i:04d}",
                forename=rng.choice(("Amelia", "Noah", "Zara", "Oliver", "Isla", "Yusuf")),
                date_of_birth=dt.date(2012, 1, 1) + dt.timedelta(days=i % 1500),
                year_group=str(7 + i // 400),
            )
            for i in range(PUPILS)
        ),
        batch_size=1000,
    )
    groups = _groups()
    by_group: dict[str, list[int]] = {}
    for start in range(0, PUPILS, FORM_SIZE):
        by_group[next(groups)] = [p.id for p in pupils[start : start + FORM_SIZE]]
    Enrolment.objects.bulk_create(
        (
            Enrolment(
                pupil_id=pid,
                school=school,
                admission_date=dt.date(2024, 9, 1),
                registration_group=group,
            )
            for group, ids in by_group.items()
            for pid in ids
        ),
        batch_size=2000,
    )
    return by_group


def _mark_rows(
    school: School, by_group: dict[str, list[int]], sessions: list[tuple[dt.date, str]], skip
) -> Iterator[tuple[object, ...]]:
    rng = random.Random(2024)
    ops = connection.ops
    for day, session in sessions:
        opens = register_times(school, session)[0]
        at = ops.adapt_datetimefield_value(dt.datetime.combine(day, opens, tzinfo=ENGLAND))
        on = ops.adapt_datefield_value(day)
        for group, ids in by_group.items():
            if (group, day, session) in skip:
                continue
            for pid in ids:
                code = present_code(session)
                if rng.random() > 0.93:
                    code = rng.choices(_OTHER, _WEIGHTS)[0]
                late = rng.randint(1, 40) if code in ("L", "U") else None
                yield (school.id, pid, on, session, code, late, at, "register")


def _write_marks(rows: Iterator[tuple[object, ...]]) -> int:
    """Insert mark rows fast: COPY on PostgreSQL, executemany elsewhere."""
    table = Mark._meta.db_table
    columns = "school_id, pupil_id, date, session, code, minutes_late, recorded_at, source"
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            cursor.execute(f"ANALYZE {table}")
            return count
        batch: list[tuple[object, ...]] = []
        sql = f"INSERT INTO {table} ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        cursor.executemany(sql, batch)
        return count + len(batch)


def _takings(school: School, groups: list[str], sessions, skip) -> None:
    RegisterTaking.objects.bulk_create(
        (
            RegisterTaking(
                school=school,
                registration_group=group,
                date=day,
                session=session,
                taken_at=dt.datetime.combine(day, dt.time(9), tzinfo=ENGLAND),
                last_saved_at=dt.datetime.combine(day, dt.time(9), tzinfo=ENGLAND),
            )
            for day, session in sessions
            for group in groups
            if (group, day, session) not in skip
        ),
        batch_size=5000,
    )


def _register_post(
    pupils: list[int], session: str, rng: random.Random, before: dict[int, str] | None = None
) -> dict[str, str]:
    """A teacher's register: mostly present, a late arrival or two, the odd absence."""
    data: dict[str, str] = {"save": "1"}
    for pid in pupils:
        data[f"code-{pid}"] = present_code(session)
        data[f"was_code-{pid}"] = (before or {}).get(pid, "")
        data[f"was_minutes-{pid}"] = ""
    for pid in rng.sample(pupils, 3):
        data[f"code-{pid}"] = rng.choice(("N", "I", "M"))
    late = rng.choice(pupils)
    opens = dt.time(8, 45) if session == "AM" else dt.time(13, 15)
    data[f"code-{late}"] = ""
    data[f"arrival-{late}"] = f"{opens.hour:02d}:{opens.minute + rng.randint(1, 14):02d}"
    return data


def _resave_post(
    school: School, pupils: list[int], day: dt.date, session: str, rng: random.Random
) -> dict[str, str]:
    """The register as stored (the form's baseline), with three pupils' marks changed."""
    data: dict[str, str] = {"save": "1"}
    stored = Mark.objects.filter(
        school=school, date=day, session=session, pupil_id__in=pupils
    ).values_list("pupil_id", "code_id", "minutes_late")
    for pid, code, minutes in stored:
        late = "" if minutes is None else str(minutes)
        data |= {f"code-{pid}": code, f"minutes-{pid}": late}
        data |= {f"was_code-{pid}": code, f"was_minutes-{pid}": late}
    for pid in rng.sample(pupils, 3):
        data |= {f"code-{pid}": rng.choice(("C", "R", "O")), f"minutes-{pid}": ""}
    return data


def _ms(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def bench_register(workdir: Path, large: bool) -> dict[str, float]:
    """Time loading and saving one 30-pupil register through the test client."""
    started = time.perf_counter()
    school = _school()
    by_group = _pupils(school)
    sessions = list(
        SchoolSession.objects.filter(school=school)
        .order_by("date", "session")
        .values_list("date", "session")
    )
    to_take = sessions[-(WARM_UP + SAVES) :]
    skip = {(GROUP, day, session) for day, session in to_take}
    marks = _write_marks(_mark_rows(school, by_group, sessions, skip))
    _takings(school, list(by_group), sessions, skip)
    teacher = User.objects.create_user("bench-teacher", first_name="Bench", last_name="Teacher")
    Membership.objects.create(
        user=teacher, school=school, role=Role.TEACHER, registration_groups=GROUP
    )
    built = time.perf_counter() - started

    pupils, rng, client = by_group[GROUP], random.Random(11), Client()
    client.force_login(teacher)
    loads: list[float] = []
    saves: list[float] = []
    resaves: list[float] = []
    counts: dict[str, float] = {}

    def url(day: dt.date, session: str) -> str:
        kwargs = {"urn": school.urn, "day": day, "session": session, "group": GROUP}
        return reverse("register_take", kwargs=kwargs)

    def post(day: dt.date, session: str, data: dict[str, str]) -> HttpResponse:
        # As a browser sends a form without files: urlencoded, not multipart.
        return client.post(url(day, session), urlencode(data), content_type=FORM_ENCODED)

    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], DEBUG=False):
        day, session = to_take[0]
        with CaptureQueriesContext(connection) as load_queries:
            client.get(url(day, session))
        counts["register_load_queries"] = len(load_queries)
        with CaptureQueriesContext(connection) as save_queries:
            post(day, session, _register_post(pupils, session, rng))
        counts["register_save_queries"] = len(save_queries)
        for i, (day, session) in enumerate(to_take[1:], start=1):
            data = _register_post(pupils, session, rng)
            t0 = time.perf_counter()
            response = client.get(url(day, session))
            t1 = time.perf_counter()
            assert response.status_code == 200, response.status_code
            response = post(day, session, data)
            t2 = time.perf_counter()
            assert response.status_code == 302, response.status_code
            if i >= WARM_UP:
                loads.append(t1 - t0)
                saves.append(t2 - t1)
        for day, session in to_take[WARM_UP : WARM_UP + RESAVES]:
            data = _resave_post(school, pupils, day, session, rng)
            t0 = time.perf_counter()
            response = post(day, session, data)
            resaves.append(time.perf_counter() - t0)
            assert response.status_code == 302, response.status_code
    return {
        "register_bench_marks": float(marks),
        "register_bench_build_s": built,
        "register_bench_saves": float(len(saves)),
        "register_load_p50_ms": _ms(loads, 0.5),
        "register_load_p95_ms": _ms(loads, 0.95),
        "register_save_p50_ms": _ms(saves, 0.5),
        "register_save_p95_ms": _ms(saves, 0.95),
        "register_resave_p95_ms": _ms(resaves, 0.95),
        **counts,
    }
