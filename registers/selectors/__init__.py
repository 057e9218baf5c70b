"""Cross-model reads of the register; areas with many reads have a module of their own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from registers import rules
from registers.models import CalendarEntry, Enrolment, Mark, School, SchoolSession, SchoolWeek


def calendar_ranges(school: School) -> list[rules.CalendarRange]:
    """The school's calendar entries as the rules core's plain values."""
    return [
        rules.CalendarRange(
            start=e.start_date,
            end=e.end_date,
            kind=e.kind,
            halves=frozenset({rules.Half[e.sessions]}) if e.sessions else frozenset(),
        )
        for e in CalendarEntry.objects.filter(school=school).order_by("start_date", "id")
    ]


def school_weeks(*schools: School) -> rules.SchoolWeeks:
    """School weeks of one school, or of the union of several (a move inside a trust)."""
    dates = (
        SchoolSession.objects.filter(school__in=schools).values_list("date", flat=True).distinct()
    )
    return rules.SchoolWeeks.from_dates(dates)


def session_dates(school: School, start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    return list(
        SchoolSession.objects.filter(school=school, date__gte=start, date__lte=end)
        .order_by("date", "session")
        .values_list("date", "session")
    )


@dataclass(frozen=True)
class SchoolOverview:
    school: School
    today: dt.date
    on_roll: int
    sessions_today: list[str]
    marks_today: int
    school_week: int | None


def school_overview(school: School, today: dt.date | None = None) -> SchoolOverview:
    today = today or timezone.localdate()
    return SchoolOverview(
        school=school,
        today=today,
        on_roll=Enrolment.objects.for_school(school).on_roll(today).count(),
        sessions_today=list(
            SchoolSession.objects.filter(school=school, date=today)
            .order_by("session")
            .values_list("session", flat=True)
        ),
        marks_today=Mark.objects.for_school(school).filter(date=today).count(),
        school_week=SchoolWeek.objects.filter(school=school, monday=rules.week_monday(today))
        .values_list("number", flat=True)
        .first(),
    )
