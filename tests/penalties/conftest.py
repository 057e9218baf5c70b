"""A family for the penalty notice scenarios (rules §6, S17–S21): two children, C1 and C2,
of two parents with parental responsibility, P1 and P2, and a carer without it, at Test
School A (the §6.0 calendar), with the school's letter settings filled in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from escalation.models import PupilStatus, ThresholdDecision
from letters.models import LetterSettings
from registers.models import Guardian, Mark, Pupil, School, User
from registers.rules import Half, calendar_sessions
from registers.selectors import calendar_ranges
from tests.registers.factories import GuardianFactory, PupilFactory, PupilGuardianFactory

D = dt.date.fromisoformat
# S8: a refused holiday taken anyway, Mon 6 – Fri 10 Jan 2025: 10 sessions of G.
HOLIDAY = [D("2025-01-06") + dt.timedelta(days=n) for n in range(5)]
# Its 10-school-week window, and the day the decision was recorded.
WINDOW_START, WINDOW_END, DECIDED_ON = D("2025-01-06"), D("2025-03-16"), D("2025-01-13")


@dataclass
class Family:
    c1: Pupil
    c2: Pupil
    p1: Guardian
    p2: Guardian
    carer: Guardian


@pytest.fixture
def letterhead(school: School) -> School:
    school.address = "School Lane\nHatfield"
    school.postcode = "AL10 8ZZ"
    school.phone = "01707 000000"
    school.headteacher = "Pat Head"
    school.local_authority = "Hertfordshire"
    school.save()
    LetterSettings.objects.create(
        school=school, staff_contact_name="Jo Officer", signatory_name="Pat Head"
    )
    return school


@pytest.fixture
def family(letterhead: School) -> Family:
    c1 = PupilFactory(school=letterhead, forename="Cara", surname="One", year_group="4")
    c2 = PupilFactory(school=letterhead, forename="Cody", surname="One", year_group="6")
    p1 = GuardianFactory(name="Pat One")
    p2 = GuardianFactory(name="Sam One")
    carer = GuardianFactory(name="Gran One")
    for child in (c1, c2):
        PupilGuardianFactory(pupil=child, guardian=p1, relationship="Mother", priority=1)
        PupilGuardianFactory(pupil=child, guardian=p2, relationship="Father", priority=2)
        PupilGuardianFactory(
            pupil=child,
            guardian=carer,
            relationship="Grandmother",
            parental_responsibility=False,
            priority=3,
        )
    return Family(c1, c2, p1, p2, carer)


def absent(
    school: School, pupil: Pupil, days: list[dt.date], code: str = "G", halves=("AM", "PM")
) -> None:
    """Write `code` for each session of `days` (test data: straight to the table)."""
    Mark.objects.bulk_create(
        Mark(
            school=school,
            pupil=pupil,
            date=d,
            session=h,
            code_id=code,
            recorded_at=timezone.now(),
            source="register",
        )
        for d in days
        for h in halves
    )


def school_days(school: School, start: dt.date, end: dt.date) -> list[dt.date]:
    return sorted(
        {
            d
            for d, h in calendar_sessions(calendar_ranges(school))
            if start <= d <= end and h == Half.AM
        }
    )


def decision(
    school: School,
    pupil: Pupil,
    user: User,
    *,
    outcome: str = "penalty",
    start: dt.date = WINDOW_START,
    end: dt.date = WINDOW_END,
    decided_on: dt.date = DECIDED_ON,
) -> ThresholdDecision:
    """A recorded threshold decision (the engine's own service is tested in escalation)."""
    return ThresholdDecision.objects.create(
        school=school,
        pupil=pupil,
        recorded_by=user,
        recorded_by_name=user.get_full_name(),
        recorded_at=timezone.now(),
        met_on=D("2025-01-10"),
        window_start=start,
        window_end=end,
        sessions_in_window=10,
        holiday_sessions=10,
        support_appropriate="no",
        sufficient_support_provided="n/a",
        penalty_best_tool="yes",
        equality_considerations="None identified.",
        outcome=outcome,
        rationale="A week's holiday after leave was refused.",
        decided_on=decided_on,
    )


def status(school: School, pupil: Pupil, *, start: dt.date, end: dt.date, met_on: dt.date):
    """The engine's stored status with the threshold met, as letters read it."""
    return PupilStatus.objects.create(
        school=school,
        pupil=pupil,
        as_of=met_on,
        computed_at=timezone.now(),
        academic_year="2024/25",
        possible=100,
        attended=88,
        unauthorised=12,
        attendance_rate=Decimal("88.0"),
        threshold_sessions_in_window=10,
        threshold_window_start=start,
        threshold_window_end=end,
        threshold_met_now=True,
        threshold_first_met_on=met_on,
        threshold_met_dates=[met_on.isoformat()],
        threshold_episode_met=True,
        threshold_episode_met_on=met_on,
        threshold_episode_window_start=start,
        threshold_episode_window_end=end,
        threshold_episode_sessions=10,
        threshold_episode_sessions_to_meet=0,
    )
