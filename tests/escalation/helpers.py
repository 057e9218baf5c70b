"""Helpers for the escalation tests: write marks the way the register does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from registers.models import Pupil, School, SchoolSession
from registers.services.marks import MarkEntry, marks_write


def sessions_between(school: School, start: str, end: str) -> list[tuple[dt.date, str]]:
    return list(
        SchoolSession.objects.filter(
            school=school,
            date__gte=dt.date.fromisoformat(start),
            date__lte=dt.date.fromisoformat(end),
        )
        .order_by("date", "session")
        .values_list("date", "session")
    )


def write(
    school: School,
    pupil: Pupil,
    marks: Iterable[tuple[str | dt.date, str, str]],
    *,
    source: str = "register",
) -> None:
    """Write (date, "AM"/"PM", code) marks for one pupil through `marks_write`."""
    entries = [
        MarkEntry(
            pupil_id=pupil.pk,
            date=d if isinstance(d, dt.date) else dt.date.fromisoformat(d),
            session=session,
            code=code,
        )
        for d, session, code in marks
    ]
    marks_write(school=school, entries=entries, user=None, source=source)


def fill(school: School, pupil: Pupil, start: str, end: str, code_am="/", code_pm="\\") -> None:
    """Mark every session of [start, end]: `/` AM and `\\` PM unless told otherwise."""
    write(
        school,
        pupil,
        [
            (d, s, code_am if s == "AM" else code_pm)
            for d, s in sessions_between(school, start, end)
        ],
    )
