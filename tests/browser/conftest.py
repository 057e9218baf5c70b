"""The browser tests' school: a live calendar and a class of 30 (the browser fixtures
themselves are a plugin, `tests.browser_support`, shared by every app's browser tests)."""

from __future__ import annotations

import pytest

from tests.browser_support import assert_accessible, axe_violations, last_weekday, sign_in

__all__ = ["assert_accessible", "axe_violations", "last_weekday", "sign_in"]


@pytest.fixture
def school(trust):
    """Overrides the suite's `school` (and so the personas' school) for browser tests:
    a term from eight weeks ago to four weeks ahead, so that 'today' and 'last Tuesday'
    are school days, and 30 pupils in registration group 4B."""
    import datetime as dt

    from django.utils import timezone

    from registers.models import CalendarEntry
    from registers.services.calendar import calendar_rebuild
    from tests.registers.factories import PupilFactory, SchoolFactory

    today = timezone.localdate()
    school = SchoolFactory(urn="100001", name="Test School A", trust=trust)
    CalendarEntry.objects.create(
        school=school,
        start_date=today - dt.timedelta(weeks=8),
        end_date=today + dt.timedelta(weeks=4),
        kind="term",
        label="Term",
    )
    calendar_rebuild(school=school)
    names = [(f"Pupil{n:02d}", f"Surname{n:02d}") for n in range(1, 31)]
    for forename, surname in names:
        PupilFactory(
            forename=forename,
            surname=surname,
            school=school,
            school__admission_date=today - dt.timedelta(weeks=52),
            school__registration_group="4B",
        )
    return school
