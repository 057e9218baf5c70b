"""The demo's school calendar: a typical English local-authority year, and writing it.

Terms, half terms, Christmas and Easter holidays, bank holidays, INSET days and early
finishes follow the usual pattern, with the year ending on the 190th pupil day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from registers import rules
from registers.models import CalendarEntry, School
from registers.services.calendar import calendar_rebuild

SCHOOL_DAYS = 190  # a school year has 190 pupil days and 5 INSET days
_DAY = dt.timedelta(days=1)
_MONDAY, _FRIDAY = 0, 4


@dataclass(frozen=True)
class _Range:
    start: dt.date
    end: dt.date
    kind: str
    label: str
    sessions: str = ""


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday (Gregorian), by the anonymous Gregorian (Meeus/Jones/Butcher) algorithm."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _weekday_from(d: dt.date, weekday: int | None, step: dt.timedelta) -> dt.date:
    """The first date from d, stepping by `step`, that is `weekday` (0 = Monday) or any
    weekday if `weekday` is None."""
    while (d.weekday() > _FRIDAY) if weekday is None else (d.weekday() != weekday):
        d += step
    return d


def _weekday_on_or_after(d: dt.date, weekday: int | None = None) -> dt.date:
    return _weekday_from(d, weekday, _DAY)


def _weekday_on_or_before(d: dt.date, weekday: int | None = None) -> dt.date:
    return _weekday_from(d, weekday, -_DAY)


def _next_weekday(d: dt.date) -> dt.date:
    return _weekday_on_or_after(d + _DAY)


def _week(monday: dt.date, label: str) -> _Range:
    return _Range(monday, monday + dt.timedelta(days=4), "holiday", label)


def _inset(day: dt.date) -> _Range:
    return _Range(day, day, "inset", "INSET day")


def _early_finish(day: dt.date) -> _Range:
    return _Range(day, day, "closure", "Early finish", "PM")


def year_calendar(year: int) -> list[_Range]:
    """A typical English LA calendar for the academic year starting in September `year`.

    1. Three terms with October, February and May half terms, Christmas, Easter (the week
       before and the week after Easter Sunday) and the early May bank holiday.
    2. INSET: the first two days of September, the first day of the spring term and of the
       second half of the summer term, and the day after pupils break up.
    3. Pupils break up on their 190th day (the statutory year), with an early finish (a
       PM closure) then and on the last day of the autumn term.
    """
    easter = easter_sunday(year + 1)
    ranges = _before_summer_term(year, easter)
    summer, year_end = easter + dt.timedelta(days=8), dt.date(year + 1, 8, 31)
    last_day = _190th_day([*ranges, _Range(summer, year_end, "term", "")])
    inset = _next_weekday(last_day)
    return [
        *ranges,
        _Range(summer, inset, "term", "Summer term"),
        _early_finish(last_day),
        _inset(inset),
        _Range(inset + _DAY, year_end, "holiday", "Summer holidays"),
    ]


def _before_summer_term(year: int, easter: dt.date) -> list[_Range]:
    """Autumn and spring terms with their breaks, and the summer term's breaks."""
    autumn = _weekday_on_or_after(dt.date(year, 9, 1))
    autumn_end = _weekday_on_or_before(dt.date(year, 12, 20), _FRIDAY)
    spring = _weekday_on_or_after(dt.date(year + 1, 1, 2), _MONDAY)
    may_half_term = _weekday_on_or_before(dt.date(year + 1, 5, 31), _MONDAY)
    may_bank_holiday = _weekday_on_or_after(dt.date(year + 1, 5, 1), _MONDAY)
    return [
        _Range(autumn, autumn_end, "term", "Autumn term"),
        _Range(spring, easter - dt.timedelta(days=9), "term", "Spring term"),
        *(_inset(d) for d in (autumn, _next_weekday(autumn), spring)),
        _inset(may_half_term + dt.timedelta(days=7)),
        _week(_weekday_on_or_before(dt.date(year, 10, 31), _MONDAY), "October half term"),
        _early_finish(autumn_end),
        _Range(autumn_end + 3 * _DAY, spring - _DAY, "holiday", "Christmas holidays"),
        _week(_weekday_on_or_before(dt.date(year + 1, 2, 18), _MONDAY), "February half term"),
        _Range(easter - 6 * _DAY, easter + 5 * _DAY, "holiday", "Easter holidays"),
        _Range(may_bank_holiday, may_bank_holiday, "holiday", "Early May bank holiday"),
        _week(may_half_term, "May half term"),
    ]


def _190th_day(ranges: list[_Range]) -> dt.date:
    days = sorted({d for d, _half in rules.calendar_sessions(_as_rule_ranges(ranges))})
    return days[SCHOOL_DAYS - 1]


def _as_rule_ranges(ranges: Iterable[_Range]) -> list[rules.CalendarRange]:
    return [
        rules.CalendarRange(
            r.start,
            r.end,
            r.kind,
            frozenset({rules.Half[r.sessions]}) if r.sessions else frozenset(),
        )
        for r in ranges
    ]


def first_pupil_day(year: int) -> dt.date:
    """The first day pupils attend in the academic year `year`: after the two INSET days."""
    return _next_weekday(_next_weekday(_weekday_on_or_after(dt.date(year, 9, 1))))


def calendar_create(*, school: School, years: range) -> None:
    """Store the calendar of each academic year in `years` and rebuild it into sessions."""
    CalendarEntry.objects.bulk_create(
        CalendarEntry(
            school=school,
            start_date=r.start,
            end_date=r.end,
            kind=r.kind,
            sessions=r.sessions,
            label=r.label,
        )
        for year in years
        for r in year_calendar(year)
    )
    calendar_rebuild(school=school)
