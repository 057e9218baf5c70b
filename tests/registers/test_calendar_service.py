"""`calendar_rebuild`: sessions and numbered school weeks derived from calendar entries."""

from __future__ import annotations

import datetime as dt

import pytest

from registers.models import School, SchoolSession, SchoolWeek
from registers.services.calendar import calendar_rebuild
from tests.conftest import add_calendar
from tests.registers.factories import CalendarEntryFactory, SchoolFactory

pytestmark = pytest.mark.django_db

# A hand-checked fortnight and a bit: Mon 2 – Fri 20 Sep 2024, INSET on Monday 2nd, a
# PM-only closure on Fri 6th, the whole week of 9th shut, and one term day the week after.
SMALL_CALENDAR = (
    ("2024-09-02", "2024-09-16", "term", "", "Autumn"),
    ("2024-09-02", "2024-09-02", "inset", "", "INSET"),
    ("2024-09-06", "2024-09-06", "closure", "PM", "Early finish"),
    ("2024-09-09", "2024-09-13", "holiday", "", "A week off"),
)


def d(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def _sessions(school: School) -> list[tuple[dt.date, str]]:
    return list(SchoolSession.objects.filter(school=school).values_list("date", "session"))


def _weeks(school: School) -> list[tuple[int, dt.date, int]]:
    return list(
        SchoolWeek.objects.filter(school=school).values_list("number", "monday", "session_count")
    )


def test_it_expands_term_days_less_inset_holidays_and_a_pm_closure() -> None:
    school = SchoolFactory()
    add_calendar(school, SMALL_CALENDAR)
    expected = [(d(f"2024-09-0{n}"), h) for n in (3, 4, 5) for h in ("AM", "PM")]
    expected += [(d("2024-09-06"), "AM"), (d("2024-09-16"), "AM"), (d("2024-09-16"), "PM")]
    assert _sessions(school) == expected


def test_it_numbers_school_weeks_skipping_a_week_without_sessions() -> None:
    school = SchoolFactory()
    add_calendar(school, SMALL_CALENDAR)
    assert _weeks(school) == [(1, d("2024-09-02"), 7), (2, d("2024-09-16"), 2)]


def test_it_returns_the_number_of_sessions() -> None:
    school = SchoolFactory()
    CalendarEntryFactory(school=school, start_date=d("2024-09-02"), end_date=d("2024-09-06"))
    assert calendar_rebuild(school=school) == 10


def test_the_fixture_calendar_has_the_figures_of_the_spec(school: School) -> None:
    """rules §6.0: 385 sessions 3 Sep 2024 – 21 Jul 2025, week 40 has one session."""
    year = SchoolSession.objects.filter(school=school, date__lte=d("2025-07-21"))
    autumn = year.filter(date__lte=d("2024-12-20"))
    assert (year.count(), autumn.count()) == (385, 148)
    week_40 = SchoolWeek.objects.get(school=school, number=40)
    assert (week_40.monday, week_40.session_count) == (d("2025-07-21"), 1)
    assert SchoolWeek.objects.get(school=school, number=41).session_count == 6
    assert SchoolWeek.objects.filter(school=school).count() == 55


def test_every_session_points_at_the_week_of_its_date(school: School) -> None:
    for session in SchoolSession.objects.filter(school=school).select_related("week"):
        assert session.week.monday == session.date - dt.timedelta(days=session.date.weekday())


def test_a_rebuild_replaces_the_previous_rows() -> None:
    school = SchoolFactory()
    add_calendar(school, SMALL_CALENDAR)
    school.calendar_entries.filter(kind="holiday").delete()
    calendar_rebuild(school=school)
    assert len(_sessions(school)) == 19
    assert [(n, m) for n, m, _c in _weeks(school)] == [
        (1, d("2024-09-02")),
        (2, d("2024-09-09")),
        (3, d("2024-09-16")),
    ]


def test_a_rebuild_leaves_other_schools_alone(school: School) -> None:
    before = _sessions(school)
    other = SchoolFactory()
    add_calendar(other, SMALL_CALENDAR)
    calendar_rebuild(school=other)
    assert _sessions(school) == before


def test_an_empty_calendar_has_no_sessions_or_weeks() -> None:
    school = SchoolFactory()
    assert calendar_rebuild(school=school) == 0
    assert _weeks(school) == []
