"""Benchmarks of the dashboard: the overview and a flag list of a 2,000-pupil school and
the trust overview of 20 schools, timed as whole requests through the test client.

The dashboard reads only the engine's stored rows, so the data is generated as those
rows (`PupilStatus`, `PupilWeek`, `Case`), not as marks: one row per pupil and one per
pupil per school week of the year so far, with a roughly national mix (93% present).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from escalation.models import Case, PupilStatus, PupilWeek
from registers import rules
from registers.models import Enrolment, Membership, Pupil, Role, School, Trust, User

RUNS = 30


def _school(trust: Trust, n: int, pupils: int, rng: random.Random) -> School:
    school = School.objects.create(urn=f"97{n:04d}", name=f"Dashboard bench {n}", trust=trust)
    today = timezone.localdate()
    year_start = rules.academic_year(today)[0]
    mondays = [
        rules.week_monday(year_start) + dt.timedelta(weeks=w)
        for w in range(((today - year_start).days // 7) + 1)
    ]
    created = Pupil.objects.bulk_create(
        [
            Pupil(
                upn=f"D{n:04d}{p:06d}"[:13],
                surname=f"Bench{p}",
                forename="P",
                date_of_birth=dt.date(2014, 1, 1),
                year_group=str(1 + p % 6),
                fsm=p % 4 == 0,
                send="K" if p % 9 == 0 else "N",
            )
            for p in range(pupils)
        ],
        batch_size=5000,
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                pupil=p,
                school=school,
                admission_date=year_start,
                registration_group=f"{p.year_group}{'AB'[i % 2]}",
            )
            for i, p in enumerate(created)
        ],
        batch_size=5000,
    )
    weeks, statuses = [], []
    for pupil in created:
        totals = [0, 0, 0]
        for monday in mondays:
            absent_bits = sum(1 << b for b in range(10) if rng.random() < 0.07)
            unauth = absent_bits & (0b1000000001 if rng.random() < 0.3 else 0)
            auth = absent_bits & ~unauth
            att = 10 - bin(absent_bits).count("1")
            counts = (att, bin(auth).count("1"), bin(unauth).count("1"))
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            weeks.append(
                PupilWeek(
                    school=school, pupil=pupil, monday=monday, year_start=year_start,
                    attended=counts[0], authorised=counts[1], unauthorised=counts[2],
                    mask_attended=0b1111111111 & ~absent_bits, mask_authorised=auth, mask_o=unauth,
                )
            )  # fmt: skip
        possible = sum(totals)
        absent = totals[1] + totals[2]
        statuses.append(
            PupilStatus(
                school=school, pupil=pupil, as_of=today, computed_at=timezone.now(),
                academic_year="bench", possible=possible, attended=totals[0],
                authorised=totals[1], unauthorised=totals[2],
                attendance_rate=rules.attendance_rate(attended=totals[0], possible=possible),
                persistent_absence=absent * 10 >= possible, severe_absence=absent * 2 >= possible,
                threshold_sessions_in_window=min(totals[2], 12),
                threshold_met_now=totals[2] >= 10,
                threshold_sessions_to_meet=max(0, 10 - totals[2]),
                absence_sessions_to_pa=max(0, (possible + 9) // 10 - absent),
            )
        )  # fmt: skip
    PupilWeek.objects.bulk_create(weeks, batch_size=5000)
    PupilStatus.objects.bulk_create(statuses, batch_size=5000)
    Case.objects.bulk_create(
        [Case(school=school, pupil=s.pupil, stage=1 + i % 4) for i, s in enumerate(statuses)
         if s.persistent_absence]
    )  # fmt: skip
    return school


def _p95(client: Client, url: str) -> float:
    client.get(url)  # warm caches and templates
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.quantiles(timings, n=20)[18]


def dashboard_views(workdir: Path, large: bool) -> dict[str, float]:
    """p95 of the school overview and the persistent-absence list (2,000 pupils), and of
    the trust overview (20 schools of 1,000 pupils, 2,000 with --large)."""
    rng = random.Random(5)
    with transaction.atomic():
        trust = Trust.objects.create(name="Dashboard bench trust")
        big = _school(trust, 0, 2000, rng)
        for n in range(1, 20):
            _school(trust, n, 2000 if large else 1000, rng)
        user = User.objects.create(username="dashboard-bench")
        Membership.objects.create(user=user, trust=trust, school=None, role=Role.TRUST_LEADER)
    client = Client()
    client.force_login(user)
    # The test client's host is "testserver"; measure as production would run (DEBUG off).
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], DEBUG=False):
        return {
            "dashboard_overview_p95_ms": _p95(
                client, reverse("dashboard_overview", kwargs={"urn": big.urn})
            ),
            "flag_list_p95_ms": _p95(
                client, reverse("dashboard_flags", kwargs={"urn": big.urn, "flag": "persistent"})
            ),
            "trust_overview_p95_ms": _p95(
                client, reverse("dashboard_trust", kwargs={"urn": big.urn})
            ),
        }
