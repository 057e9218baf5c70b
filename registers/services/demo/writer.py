"""Turning the demo's plans into marks and writing them to the register."""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import NamedTuple

from django.utils import timezone
from tqdm import tqdm

from registers.models import Mark, MarkSource, School

from .absence import Code, CodeDrawer, YearPlan
from .families import YEAR_GROUPS, Child
from .people import Placed

MARK_BATCH = 5000


class MarkRow(NamedTuple):
    """A mark as plain values, named after `Mark`'s columns so any writer can take it."""

    school_id: int
    pupil_id: int
    date: dt.date
    session: str
    code_id: str
    minutes_late: int | None
    recorded_by_id: int | None
    recorded_at: dt.datetime
    source: str


def write_marks(rows: Iterable[MarkRow]) -> int:
    """Insert marks in batches; the only place the demo writes them (a COPY writer may
    replace it on PostgreSQL). Returns the number written."""
    written, rows = 0, iter(rows)
    while batch := list(islice(rows, MARK_BATCH)):
        Mark.objects.bulk_create([Mark(**row._asdict()) for row in batch], batch_size=MARK_BATCH)
        written += len(batch)
    return written


class _RegisterClock:
    """When each mark was recorded: a few minutes into the register, or on arrival."""

    def __init__(self, school: School) -> None:
        self.opens = {"AM": school.am_opens, "PM": school.pm_opens}
        self.tz = timezone.get_current_timezone()
        self.cache: dict[tuple[dt.date, str], dt.datetime] = {}

    def at(self, day: dt.date, half: str, minutes_late: int | None) -> dt.datetime:
        opened = self.cache.get((day, half))
        if opened is None:
            opened = dt.datetime.combine(day, self.opens[half], tzinfo=self.tz)
            self.cache[(day, half)] = opened
        return opened + dt.timedelta(minutes=minutes_late or 5)


def _group_in(child: Child, *, year: int, current_year: int) -> str:
    """The child's class in academic year `year` (they move up a year group each September)."""
    index = child.year_index - (current_year - year)
    return f"{YEAR_GROUPS[index]}{child.group[-1]}" if index >= 0 else ""


def mark_rows(
    *,
    rng: random.Random,
    school: School,
    plans: dict[int, YearPlan],
    pupils: list[Placed],
    current_year: int,
    recorders: dict[str, int | None],
    progress: bool,
) -> Iterator[MarkRow]:
    """Every mark of the school's pupils: pupil by pupil, year by year, in date order.

    `recorders` maps a class to the user who takes its registers this year; "" maps every
    other register, and all of past years, to the office login (or None).
    """
    clock = _RegisterClock(school)
    for placed in tqdm(
        pupils, desc=f"Marks for {school.urn}", unit="pupil", disable=not progress, file=sys.stderr
    ):
        for year, plan in plans.items():
            group = _group_in(placed.child, year=year, current_year=current_year)
            if not group:
                continue
            holiday = placed.family.holidays.get(year, frozenset())
            recorder = recorders.get(group if year == current_year else "", recorders[""])
            for mark in CodeDrawer(rng, plan, group, holiday).codes(placed.child):
                yield _row(school.id, placed.pupil_id, mark, recorder, clock)


def _row(
    school_id: int, pupil_id: int, mark: Code, recorder: int | None, clock: _RegisterClock
) -> MarkRow:
    recorded_at = clock.at(mark.date, mark.session, mark.minutes_late)
    return MarkRow(
        school_id,
        pupil_id,
        mark.date,
        mark.session,
        mark.code,
        mark.minutes_late,
        recorder,
        recorded_at,
        MarkSource.REGISTER,
    )
