from __future__ import annotations

import datetime as dt

import pytest

from registers.selectors import school_weeks


@pytest.mark.django_db
def test_school_weeks_know_the_first_session_of_a_mid_week_start(school) -> None:
    weeks = school_weeks(school)

    # Mon 2 Sep 2024 is INSET, so the year's first session is Tuesday's, not the Monday.
    assert weeks.first_session_on_or_after(dt.date(2024, 9, 1)) == dt.date(2024, 9, 3)
    assert weeks.number(dt.date(2024, 9, 2)) == 1
    assert weeks.number(dt.date(2025, 7, 21)) == 40  # the one-session week counts (S11)


@pytest.mark.django_db
def test_school_weeks_of_two_schools_are_the_union(school, sibling_school) -> None:
    from tests.conftest import add_calendar

    add_calendar(sibling_school, rows=(("2024-10-28", "2024-11-01", "term", "", "Other"),))

    weeks = school_weeks(school, sibling_school)

    assert weeks.number(dt.date(2024, 10, 28)) == 9  # the half-term week of school A
    assert len(weeks) == len(school_weeks(school)) + 1
