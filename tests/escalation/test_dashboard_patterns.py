"""The pupil page's pattern rules: pure functions, table-driven, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from escalation.dashboard.figures import Enrolments, Sessions, gap
from escalation.dashboard.pupil import (
    Spell,
    holiday_spells,
    holidays_kept_under_threshold,
    next_to_holidays,
    weekday_absence,
)

D = dt.date


def test_weekday_absence_counts_absent_of_possible_per_day() -> None:
    marks = {(D(2025, 1, 6), "AM"): "O", (D(2025, 1, 6), "PM"): "/", (D(2025, 1, 7), "AM"): "#"}
    monday, tuesday = weekday_absence(marks)[:2]
    assert (monday.absent, monday.possible, monday.rate) == (1, 2, "50.0")
    assert (tuesday.absent, tuesday.possible, tuesday.rate) == (0, 0, None)


@pytest.mark.parametrize(
    ("days", "edges"),
    [
        ([D(2025, 1, 3), D(2025, 1, 6)], set()),  # a weekend is not a break
        ([D(2024, 10, 25), D(2024, 11, 4)], {D(2024, 10, 25), D(2024, 11, 4)}),  # half term
        ([D(2025, 1, 6), D(2025, 1, 8)], {D(2025, 1, 6), D(2025, 1, 8)}),  # a day off
    ],
)
def test_next_to_holidays(days: list[dt.date], edges: set[dt.date]) -> None:
    assert next_to_holidays(days) == edges


def test_holiday_spells_join_consecutive_sessions() -> None:
    sessions = [(D(2025, 1, d), h) for d in (6, 7, 8) for h in ("AM", "PM")]
    marks = dict.fromkeys(sessions[:3], "G") | {sessions[5]: "G"}
    assert holiday_spells(marks, sessions) == [
        Spell(D(2025, 1, 6), D(2025, 1, 7), 3),
        Spell(D(2025, 1, 8), D(2025, 1, 8), 1),
    ]


@pytest.mark.parametrize(
    ("sizes", "met", "expected"),
    [([4, 6], False, True), ([4], False, False), ([4, 10], False, False), ([4, 6], True, False)],
)
def test_holidays_kept_under_threshold(sizes: list[int], met: bool, expected: bool) -> None:
    spells = [Spell(D(2025, 1, 6), D(2025, 1, 6), n) for n in sizes]
    assert holidays_kept_under_threshold(spells, met=met) is expected


def test_rates_are_pooled_and_gaps_signed() -> None:
    school = Enrolments(3, Sessions(270, 20, 10), 1, 0)
    cohort = Enrolments(1, Sessions(80, 10, 10), 1, 0)
    rest = school - cohort
    assert (cohort.sessions.attendance, rest.sessions.attendance) == ("80.0", "95.0")
    assert gap(cohort.sessions.attendance, rest.sessions.attendance) == "-15.0"
    assert gap("96.0", "96.0") == "+0.0"
