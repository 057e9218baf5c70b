"""A seeded school for the report tests: pupils of several ages and cohorts, with marks
written through the register's own service over 2024/25 and autumn 2025."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from registers.models import Pupil, School
from tests.escalation.helpers import sessions_between, write
from tests.registers.factories import PupilFactory

# (forename, year group, date of birth, fsm, send, absence pattern): one absent code
# every `every` sessions of 2024/25 (0: always present), with that code.
SEED = (
    ("Ava", "4", dt.date(2015, 5, 1), True, "N", (5, "I")),  # 20% absent: PA
    ("Ben", "4", dt.date(2015, 3, 2), True, "K", (10, "O")),  # 10% exactly: PA
    ("Cal", "4", dt.date(2015, 1, 9), False, "N", (11, "G")),  # just under 10%
    ("Dee", "4", dt.date(2014, 11, 20), False, "N", (2, "O")),  # 50%: SA
    ("Eve", "4", dt.date(2014, 10, 5), False, "N", (0, "")),
    ("Fay", "4", dt.date(2015, 7, 30), True, "N", (25, "M")),
    ("Gus", "R", dt.date(2020, 1, 15), False, "N", (4, "I")),  # aged 4: outside DfE age
    ("Hal", "11", dt.date(2009, 6, 1), False, "E", (8, "U")),  # aged 15: loses summer 2
)


@dataclass
class Seeded:
    school: School
    pupils: dict[str, Pupil]


def _code(i: int, half: str, every: int, code: str) -> str:
    if every and i % every == every - 1:
        return code
    if i % 7 == 3:
        return "L"
    return "/" if half == "AM" else "\\"


@pytest.fixture
def seeded(school: School) -> Seeded:
    sessions = sessions_between(school, "2024-09-01", "2025-12-19")
    pupils = {}
    for name, year, dob, fsm, send, (every, code) in SEED:
        pupil = PupilFactory(
            forename=name,
            surname="Seed",
            year_group=year,
            date_of_birth=dob,
            fsm=fsm,
            send=send,
            school=school,
        )
        write(
            school, pupil, [(d, h, _code(i, h, every, code)) for i, (d, h) in enumerate(sessions)]
        )
        pupils[name] = pupil
    return Seeded(school, pupils)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def built(seeded, governor, media):
    """A finished school report for the autumn term 2024/25."""
    from reports.models import ReportKind
    from reports.services import report_build, report_request

    report = report_request(
        school=seeded.school,
        kind=ReportKind.SCHOOL,
        period_key="term-2024-autumn",
        user=governor,
        today=dt.date(2026, 12, 1),
    )
    return report_build(report_id=report.pk, today=dt.date(2026, 12, 1))
