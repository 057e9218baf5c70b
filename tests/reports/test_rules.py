"""The reports' pure rules, table-driven, without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from registers import rules
from registers.rules import CalendarRange
from reports import rules as rrules
from tests.conftest import FIXTURE_CALENDAR

D = dt.date
TODAY = D(2026, 12, 1)


def _fixture_dates() -> list[dt.date]:
    ranges = [
        CalendarRange(
            D.fromisoformat(a),
            D.fromisoformat(b),
            kind,
            frozenset({0} if s == "AM" else {1} if s == "PM" else set()),
        )
        for a, b, kind, s, _label in FIXTURE_CALENDAR
    ]
    return sorted({d for d, _h in rules.calendar_sessions(ranges)})


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, D(2024, 5, 27)),
        (2025, D(2025, 5, 26)),
        (2026, D(2026, 5, 25)),
        (2027, D(2027, 5, 31)),
    ],
)
def test_spring_bank_holiday_is_the_last_monday_in_may(year, expected):
    assert rrules.spring_bank_holiday(year) == expected


@pytest.mark.parametrize(
    ("name", "first_year", "expected"),
    [
        ("autumn", 2024, (D(2024, 8, 1), D(2024, 12, 31))),
        ("spring", 2024, (D(2025, 1, 1), D(2025, 4, 20))),  # Easter Sunday 2025
        ("summer", 2024, (D(2025, 4, 21), D(2025, 7, 31))),
        ("spring", 2023, (D(2024, 1, 1), D(2024, 3, 31))),
    ],
)
def test_census_terms(name, first_year, expected):
    assert rrules.census_term(name, first_year) == expected


@pytest.mark.parametrize(
    ("first", "term"),
    [
        (D(2024, 9, 3), "autumn"),
        (D(2024, 11, 4), "autumn"),
        (D(2025, 1, 6), "spring"),
        (D(2025, 2, 24), "spring"),
        (D(2025, 4, 22), "summer"),
        (D(2025, 6, 2), "summer"),
    ],
)
def test_a_half_term_belongs_to_the_term_it_starts_in(first, term):
    assert rrules.school_term_of(first) == term


def test_half_terms_of_the_fixture_calendar():
    runs = rrules.half_term_runs(_fixture_dates())
    assert runs[:6] == [
        (D(2024, 9, 3), D(2024, 10, 25)),
        (D(2024, 11, 4), D(2024, 12, 20)),
        (D(2025, 1, 6), D(2025, 2, 14)),
        (D(2025, 2, 24), D(2025, 4, 4)),
        (D(2025, 4, 22), D(2025, 5, 23)),
        (D(2025, 6, 2), D(2025, 7, 21)),
    ]


def test_periods_of_the_fixture_calendar():
    periods = {
        p.key: p for p in rrules.calendar_periods(session_dates=_fixture_dates(), today=TODAY)
    }
    autumn = periods["term-2024-autumn"]
    assert (autumn.start, autumn.end) == (D(2024, 9, 3), D(2024, 12, 20))
    assert (autumn.census_start, autumn.census_end) == (D(2024, 8, 1), D(2024, 12, 20))
    spring = periods["term-2024-spring"]
    assert (spring.start, spring.end) == (D(2025, 1, 6), D(2025, 4, 4))
    summer = periods["term-2024-summer"]
    assert (summer.start, summer.end) == (D(2025, 4, 22), D(2025, 7, 21))
    assert summer.census_start == D(2025, 4, 21)
    year = periods["year-2024"]
    assert (year.start, year.end) == (D(2024, 9, 1), D(2025, 7, 21))
    assert periods["half-2025-06-02"].index == 6


def test_periods_stop_at_today():
    periods = rrules.calendar_periods(session_dates=_fixture_dates(), today=D(2024, 10, 1))
    keys = [p.key for p in periods]
    assert keys == ["year-2024", "term-2024-autumn", "half-2024-09-03"]
    assert periods[0].end == D(2024, 10, 1)


@pytest.mark.parametrize(
    ("key", "previous"),
    [
        ("term-2025-autumn", "term-2024-autumn"),
        ("half-2025-11-03", "half-2024-11-04"),
        ("term-2024-autumn", None),
        ("year-2025", "year-2024"),
    ],
)
def test_the_same_period_last_year(key, previous):
    periods = rrules.calendar_periods(session_dates=_fixture_dates(), today=TODAY)
    period = next(p for p in periods if p.key == key)
    found = rrules.previous_period(period, periods)
    assert (found.key if found else None) == previous


def test_the_year_to_date_last_year_ends_a_year_earlier():
    periods = rrules.calendar_periods(session_dates=_fixture_dates(), today=D(2025, 10, 10))
    found = rrules.previous_period(periods[0], periods)
    assert found.end == D(2024, 10, 10)


@pytest.mark.parametrize(
    ("dob", "headline", "summer_two"),
    [
        (D(2019, 8, 31), True, False),  # 5 on 31 August 2024
        (D(2019, 9, 1), False, False),  # 4 on 31 August: reception
        (D(2009, 9, 1), True, False),  # 14 on 31 August 2024 (15 the next day)
        (D(2008, 9, 1), True, True),  # 15 on 31 August 2024: loses summer 2
        (D(2009, 6, 1), True, True),  # 15 on 31 August 2024
        (D(2008, 8, 31), False, False),  # 16 on 31 August 2024: sixth form
    ],
)
def test_the_dfe_cohort(dob, headline, summer_two):
    start = D(2024, 9, 3)
    assert rrules.in_dfe_headline(dob=dob, period_start=start) is headline
    assert rrules.drops_summer_two(dob=dob, period_start=start) is summer_two


@pytest.mark.parametrize(
    ("sizes", "hidden"),
    [
        ({"a": 30, "b": 25, "c": 3}, {"c", "b"}),  # one small: the next smallest too
        ({"a": 30, "b": 1, "c": 3}, {"b", "c", "a"}),  # 1 + 3 < 5: their sum would show
        ({"a": 30, "b": 2, "c": 3}, {"b", "c"}),  # 5 between them: enough
        ({"a": 30, "b": 1, "c": 3, "d": 9}, {"b", "c", "d"}),
        ({"a": 30, "b": 3, "c": 4}, {"b", "c"}),  # 7 between them: enough
        ({"a": 30, "b": 25}, set()),
        ({"a": 30, "b": 0, "c": 4}, {"c", "a"}),  # an empty row hides nothing
        ({"a": 4}, {"a"}),
    ],
)
def test_complementary_suppression(sizes, hidden):
    assert rrules.complementary(sizes, below=5) == hidden


@pytest.mark.parametrize(("n", "small"), [(0, False), (1, True), (4, True), (5, False)])
def test_small_groups(n, small):
    assert rrules.is_small(n, below=5) is small


def test_ranks_share_ties_and_skip_missing():
    assert rrules.ranks({"a": "95.0", "b": "96.1", "c": "95.0", "d": None, "e": "90.2"}) == {
        "b": 1,
        "a": 2,
        "c": 2,
        "e": 4,
    }


def test_the_summary_says_what_changed():
    lines = rrules.summary(
        now=rrules.Headline("93.4", "16.0", "1.0", "2.0"),
        before=rrules.Headline("92.6", "18.2", "1.0", "1.5"),
        target="96.0",
        national=rrules.Headline("92.9", "20.0", "2.2", "2.4"),
        comparison_label="the same term last year",
    )
    assert lines == [
        "Attendance was 93.4%, 2.6 points below the school's target of 96.0%.",
        "Attendance rose 0.8 points on the same term last year (from 92.6%).",
        "Persistent absence fell from 18.2% to 16.0% (better).",
        "Severe absence was unchanged at 1.0%.",
        "Unauthorised absence rose from 1.5% to 2.0% (worse).",
        "Attendance was 0.5 points above the national figure of 92.9%.",
    ]


def test_the_summary_without_last_year():
    lines = rrules.summary(
        now=rrules.Headline("97.0", None, None, None),
        before=None,
        target="96.0",
        national=rrules.Headline("97.0", "20.0", "2.2", "2.4"),
        comparison_label="the same term last year",
    )
    assert lines[0] == "Attendance was 97.0%, meeting the school's target of 96.0%."
    assert lines[1] == "There are no figures for the same term last year to compare with."
    assert lines[2] == "Attendance was level with the national figure of 97.0%."


def test_points():
    assert rrules.points("93.4", "92.6") == Decimal("0.8")
    assert rrules.points(None, "1.0") is None
