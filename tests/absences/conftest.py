"""Fixtures of the absences tests: two families at the §6.0 school."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from registers.models import School
from tests.absences.factories import Family, family_create


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    """Rate limits count in the cache: start every test from zero."""
    cache.clear()


@pytest.fixture(autouse=True)
def _only_test_listeners_of_leave_decided() -> Iterator[None]:
    """The letters app's receiver writes a decision letter (it tests that itself); here
    `leave_decided` reaches only the listeners a test connects."""
    from absences.signals import leave_decided

    saved = leave_decided.receivers
    leave_decided.receivers = []
    leave_decided.sender_receivers_cache.clear()
    try:
        yield
    finally:
        leave_decided.receivers = saved
        leave_decided.sender_receivers_cache.clear()


@pytest.fixture
def family(school: School) -> Family:
    return family_create(school, surname="Hart", email="jo.hart@example.com")


@pytest.fixture
def other_family(school: School) -> Family:
    return family_create(school, surname="Okafor", children=1, email="sam@example.com")


@pytest.fixture
def current_term(school: School) -> School:
    """Add a term around the real today to the §6.0 school, for forms dated from today."""
    import datetime as dt

    from django.utils import timezone

    from registers.models import CalendarEntry
    from registers.services.calendar import calendar_rebuild

    today = timezone.localdate()
    CalendarEntry.objects.create(
        school=school,
        start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=60),
        kind="term",
        label="Current term",
    )
    calendar_rebuild(school=school)
    return school


@pytest.fixture
def parent_client(client, family: Family):
    """A client signed in as the Hart family's guardian."""
    from absences.services.signin import guardian_user

    client.force_login(guardian_user(guardian=family.guardian))
    return client
