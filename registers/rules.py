"""Pure attendance rules: calendar, school weeks, counts, rates and the national threshold.

Everything here is a function of plain values (dates, halves, code strings, integers), so
services, the report command and the escalation engine share one implementation and the
tests need no database. Section references are to `dfe-attendance-rules.md` ("rules §")
and `data-exchange.md` ("contract §"). Code categories come from `registers.codes` only.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from enum import IntEnum

from registers.codes import (
    ATTENDED_CODES,
    AUTHORISED_CODES,
    LATE_AFTER_CLOSE,
    LATE_BEFORE_CLOSE,
    NOT_POSSIBLE_CODES,
    THRESHOLD_CODES,
    UNAUTHORISED_CODES,
)

_ONE_DAY = timedelta(days=1)
_FRIDAY = 4
_AUGUST, _SEPTEMBER = 8, 9


class Half(IntEnum):
    """A register session. An IntEnum so that (date, Half) tuples sort AM before PM."""

    AM = 0
    PM = 1


Session = tuple[date, Half]
Mark = tuple[date, Half, str]


# --- Dates -------------------------------------------------------------------------------


def week_monday(d: date) -> date:
    """The Monday of d's Monday–Sunday week (rules §3.3 item 1)."""
    return d - timedelta(days=d.weekday())


def academic_year(d: date) -> tuple[date, date, str]:
    """(1 September, 31 August, "2024/25") of the academic year containing d (contract §1)."""
    first_year = d.year if d.month >= _SEPTEMBER else d.year - 1
    label = f"{first_year}/{(first_year + 1) % 100:02d}"
    return date(first_year, _SEPTEMBER, 1), date(first_year + 1, _AUGUST, 31), label


def _days(start: date, end: date) -> Iterator[date]:
    d = start
    while d <= end:
        yield d
        d += _ONE_DAY


# --- Calendar ----------------------------------------------------------------------------

TERM = "term"
CALENDAR_KINDS = frozenset({TERM, "holiday", "inset", "closure"})
_BOTH_HALVES = frozenset(Half)


@dataclass(frozen=True)
class CalendarRange:
    """One row of calendar.csv (contract §1): an inclusive date range of one kind.

    `halves` only matters for removals; empty (or both) means the whole day.
    """

    start: date
    end: date
    kind: str
    halves: frozenset[Half] = frozenset()

    def __post_init__(self) -> None:
        if self.kind not in CALENDAR_KINDS:
            raise ValueError(f"unknown calendar kind {self.kind!r}")
        if self.start > self.end:
            raise ValueError(f"calendar range starts after it ends: {self.start} > {self.end}")
        object.__setattr__(self, "halves", frozenset(Half(h) for h in self.halves))

    @property
    def removed_halves(self) -> frozenset[Half]:
        return self.halves or _BOTH_HALVES


def calendar_sessions(ranges: Iterable[CalendarRange]) -> list[Session]:
    """Every session the calendar holds, sorted (contract §1 calendar.csv).

    1. Collect the Monday–Friday dates covered by some `term` range.
    2. Remove the halves named by `holiday`/`inset`/`closure` ranges. Removal wins whatever
       the order or overlap of the rows, so a bank holiday row can sit inside a term row.
    3. Return what is left, by date, AM before PM.
    """
    ranges = list(ranges)
    open_days = {
        d for r in ranges if r.kind == TERM for d in _days(r.start, r.end) if d.weekday() <= _FRIDAY
    }
    if not open_days:
        return []
    first, last = min(open_days), max(open_days)
    removed: dict[date, set[Half]] = {}
    for r in ranges:
        if r.kind != TERM:
            # Clamp to the term dates so a long holiday row costs nothing outside them.
            for d in _days(max(r.start, first), min(r.end, last)):
                removed.setdefault(d, set()).update(r.removed_halves)
    return [(d, h) for d in sorted(open_days) for h in Half if h not in removed.get(d, ())]


# --- School weeks ------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolWeeks:
    """The school weeks of a calendar, numbered 1, 2, 3 … across terms and years.

    A school week is a Monday–Sunday week holding at least one session (rules §0.4,
    §3.3 items 2–3): holiday and INSET-only weeks are skipped and a one-session week
    counts. For a pupil who moved inside a trust, build it from the union of both schools'
    session dates (rules §0.10). Every lookup is a bisect over sorted tuples.
    """

    session_dates: tuple[date, ...]
    mondays: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        dates = tuple(self.session_dates)
        if any(a >= b for a, b in zip(dates, dates[1:], strict=False)):
            raise ValueError("session_dates must be strictly increasing; use from_dates()")
        object.__setattr__(self, "session_dates", dates)
        object.__setattr__(self, "mondays", tuple(sorted({week_monday(d) for d in dates})))

    @classmethod
    def from_dates(cls, dates: Iterable[date]) -> SchoolWeeks:
        """From the dates that have at least one session, in any order, repeats allowed."""
        return cls(tuple(sorted(set(dates))))

    def __len__(self) -> int:
        return len(self.mondays)

    def number(self, d: date) -> int | None:
        """Number of the school week containing d, or None if d's week has no session."""
        monday = week_monday(d)
        i = bisect_left(self.mondays, monday)
        return i + 1 if i < len(self.mondays) and self.mondays[i] == monday else None

    def latest_number_on_or_before(self, d: date) -> int | None:
        """Number of the latest school week whose Monday is on or before d."""
        return bisect_right(self.mondays, d) or None

    def monday(self, n: int) -> date:
        self._check(n)
        return self.mondays[n - 1]

    def sunday(self, n: int) -> date:
        return self.monday(n) + timedelta(days=6)

    def window(self, last: int, size: int = 10) -> tuple[int, int]:
        """First and last numbers of the `size` school weeks ending with week `last`.

        The first is clamped to 1 because the calendar may hold fewer weeks (contract §2).
        """
        self._check(last)
        if size < 1:
            raise ValueError(f"window size must be at least 1, not {size}")
        return max(1, last - size + 1), last

    def first_session_on_or_after(self, d: date) -> date | None:
        i = bisect_left(self.session_dates, d)
        return self.session_dates[i] if i < len(self.session_dates) else None

    def _check(self, n: int) -> None:
        if not 1 <= n <= len(self.mondays):
            raise IndexError(f"no school week {n}; there are {len(self.mondays)}")


# --- Counts and rates --------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Session counts for one enrolment over a period (rules §2.1–2.2, contract §2).

    Invariant, checked on construction: possible = attended + authorised + unauthorised.
    L is inside `attended` and U inside `unauthorised`; the late fields count them again.
    """

    possible: int = 0
    attended: int = 0
    authorised: int = 0
    unauthorised: int = 0
    late_before_close: int = 0
    late_after_close: int = 0
    not_possible: int = 0

    def __post_init__(self) -> None:
        if any(getattr(self, f.name) < 0 for f in fields(self)):
            raise ValueError(f"negative count in {self}")
        if self.possible != self.attended + self.authorised + self.unauthorised:
            raise ValueError(f"possible must be attended + authorised + unauthorised: {self}")

    @property
    def absent(self) -> int:
        return self.authorised + self.unauthorised

    def __add__(self, other: object) -> Counts:
        if not isinstance(other, Counts):
            return NotImplemented
        return Counts(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


def count_codes(codes: Iterable[str]) -> Counts:
    """Count register codes by category. An unknown code is an error, never ignored."""
    tally = dict.fromkeys(("attended", "authorised", "unauthorised", "not_possible"), 0)
    late = {LATE_BEFORE_CLOSE: 0, LATE_AFTER_CLOSE: 0}
    for code in codes:
        tally[_category_field(code)] += 1
        if code in late:
            late[code] += 1
    return Counts(
        possible=tally["attended"] + tally["authorised"] + tally["unauthorised"],
        late_before_close=late[LATE_BEFORE_CLOSE],
        late_after_close=late[LATE_AFTER_CLOSE],
        **tally,
    )


def _category_field(code: str) -> str:
    if code in ATTENDED_CODES:
        return "attended"
    if code in AUTHORISED_CODES:
        return "authorised"
    if code in UNAUTHORISED_CODES:
        return "unauthorised"
    if code in NOT_POSSIBLE_CODES:
        return "not_possible"
    raise ValueError(f"unknown attendance code {code!r}")


def percentage(*, part: int, whole: int) -> str | None:
    """100 * part / whole to one decimal place, rounded half up; None when whole is 0.

    Done in integers (divmod of tenths), so it is exact at every size: a float or a
    limited-precision Decimal could round 9.95 down.
    """
    if whole < 0 or not 0 <= part <= whole:
        raise ValueError(f"need 0 <= part <= whole, got {part}/{whole}")
    if whole == 0:
        return None
    tenths, remainder = divmod(1000 * part, whole)
    if 2 * remainder >= whole:
        tenths += 1
    return f"{tenths // 10}.{tenths % 10}"


def attendance_rate(*, attended: int, possible: int) -> str | None:
    """The contract's `attendance_rate` (contract §2), e.g. "91.3"."""
    return percentage(part=attended, whole=possible)


def is_persistent_absence(*, absent: int, possible: int) -> bool:
    """10% or more of possible sessions missed, inclusive, in exact integers (rules §0.3).

    Never compare a rounded rate: 37/371 displays as 10.0% but is not PA (scenario S4c).
    """
    return possible > 0 and absent * 10 >= possible


def is_severe_absence(*, absent: int, possible: int) -> bool:
    """50% or more of possible sessions missed, inclusive, in exact integers (rules §0.3)."""
    return possible > 0 and absent * 2 >= possible


# --- National threshold ------------------------------------------------------------------


@dataclass(frozen=True)
class ThresholdStatus:
    """The `national_threshold` object of the report (contract §2) plus provisionality."""

    sessions_in_window: int
    window_start: date | None
    window_end: date | None
    met_now: bool
    first_met_on: date | None
    provisional: bool  # met_now, and the window only reaches the limit because of N marks


@dataclass(frozen=True, slots=True, order=True)
class _Qualifying:
    day: date
    half: Half
    week: int
    only_n: bool  # every mark on this session is N, so re-coding could withdraw it


def _qualifying_sessions(marks: Iterable[Mark], weeks: SchoolWeeks) -> list[_Qualifying]:
    """G/N/O/U sessions in chronological order, one entry per session.

    Other codes are dropped defensively, as are sessions in no school week. Two marks for
    one session (possible across a trust move) are one session: it is not "only N" when
    either mark is G, O or U.
    """
    only_n: dict[Session, bool] = {}
    for day, half, code in marks:
        if code in THRESHOLD_CODES:
            key = (day, Half(half))
            only_n[key] = only_n.get(key, True) and code == "N"
    found = []
    for (day, half), n in only_n.items():
        week = weeks.number(day)
        if week is not None:
            found.append(_Qualifying(day, half, week, n))
    found.sort()
    return found


def _met_indices(qs: Sequence[_Qualifying], *, limit: int, window_weeks: int) -> Iterator[int]:
    """Indices k at which rules §3.3 item 5 holds: week(q_k) - week(q_k-limit+1) <= span."""
    _check_threshold_parameters(limit=limit, window_weeks=window_weeks)
    span = window_weeks - 1
    for k in range(limit - 1, len(qs)):
        if qs[k].week - qs[k - limit + 1].week <= span:
            yield k


def _check_threshold_parameters(*, limit: int, window_weeks: int) -> None:
    if limit < 1 or window_weeks < 1:
        raise ValueError(f"limit and window_weeks must be at least 1: {limit}, {window_weeks}")


def threshold_met_sessions(
    *, qualifying: Iterable[Mark], weeks: SchoolWeeks, limit: int = 10, window_weeks: int = 10
) -> list[Session]:
    """Every qualifying session that completes `limit` within `window_weeks` school weeks.

    Chronological; the first is the threshold-met session of rules §3.3 item 5 and the
    escalation engine builds episodes from the rest. The §3.3 test is equivalent to "some
    window of `window_weeks` consecutive school weeks holds >= `limit` sessions up to q_k".
    """
    qs = _qualifying_sessions(qualifying, weeks)
    return [
        (qs[k].day, qs[k].half) for k in _met_indices(qs, limit=limit, window_weeks=window_weeks)
    ]


def threshold_status(
    *,
    qualifying: Iterable[Mark],
    weeks: SchoolWeeks,
    as_of: date,
    limit: int = 10,
    window_weeks: int = 10,
) -> ThresholdStatus:
    """The national threshold as of a date (contract §2, rules §0.5 and §3.3).

    1. Keep the qualifying sessions on or before as_of that fall in a school week.
    2. The current window is the `window_weeks` school weeks ending with the latest school
       week starting on or before as_of; with no such week nothing can count.
    3. Count the sessions in it, including those before 1 September. It is provisional
       when the sessions that are not only N fall short of the limit.
    4. Find first_met_on (see `_first_met_on`).
    """
    _check_threshold_parameters(limit=limit, window_weeks=window_weeks)
    qs = [q for q in _qualifying_sessions(qualifying, weeks) if q.day <= as_of]
    latest = weeks.latest_number_on_or_before(as_of)
    if latest is None:
        return ThresholdStatus(0, None, None, met_now=False, first_met_on=None, provisional=False)
    first, last = weeks.window(latest, window_weeks)
    # Sessions are on or before as_of, so none lies after week `last`.
    in_window = qs[bisect_left([q.week for q in qs], first) :]
    met_now = len(in_window) >= limit
    firm = sum(1 for q in in_window if not q.only_n)
    return ThresholdStatus(
        sessions_in_window=len(in_window),
        window_start=weeks.monday(first),
        window_end=weeks.sunday(last),
        met_now=met_now,
        first_met_on=_first_met_on(
            qs, weeks=weeks, as_of=as_of, limit=limit, window_weeks=window_weeks
        ),
        provisional=met_now and firm < limit,
    )


def _first_met_on(
    qs: Sequence[_Qualifying], *, weeks: SchoolWeeks, as_of: date, limit: int, window_weeks: int
) -> date | None:
    """The earliest session date d of as_of's academic year, d <= as_of, whose window
    (the school weeks ending with d's week) holds `limit` sessions on or before d.

    1. Sessions before 1 September still count in a window, so the year's first session
       date can already qualify on carried-over sessions: check it first.
    2. Otherwise the count can only reach the limit on a date with a qualifying session,
       and it does so exactly at the §3.3 met sessions, so take the first in the year.
    `qs` must be chronological and end on or before as_of.
    """
    year_start = academic_year(as_of)[0]
    opening = weeks.first_session_on_or_after(year_start)
    if opening is None or opening > as_of:
        return None
    opening_week = weeks.number(opening)
    assert opening_week is not None  # a session date is always in a school week
    floor = opening_week - window_weeks + 1
    if sum(1 for q in qs if q.day <= opening and q.week >= floor) >= limit:
        return opening
    for k in _met_indices(qs, limit=limit, window_weeks=window_weeks):
        if qs[k].day >= year_start:
            return qs[k].day
    return None


# --- Deadlines and ages ------------------------------------------------------------------


def school_day_deadline(
    *, recorded_on: date, school_days: Sequence[date], days: int = 5
) -> date | None:
    """The `days`-th school day after recorded_on, which is day 0 (rules §0.7, §5.6).

    `school_days` is the sorted list of dates with sessions, so holidays, INSET and
    weekends are skipped (scenario S13). None when the calendar does not reach that far.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    i = bisect_right(school_days, recorded_on) + days - 1
    return school_days[i] if i < len(school_days) else None


def _birthday(dob: date, age: int) -> date:
    """The date a person attains `age`; a 29 February birthday falls on 1 March otherwise."""
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:
        return date(dob.year + age, 3, 1)


def compulsory_school_age_start(dob: date) -> date:
    """The first of 31 Dec, 31 Mar, 31 Aug on or after the 5th birthday (rules §2.5)."""
    fifth = _birthday(dob, 5)
    y = fifth.year
    prescribed = (date(y, 3, 31), date(y, 8, 31), date(y, 12, 31))
    return next(d for d in prescribed if d >= fifth)


def compulsory_school_age_end(dob: date) -> date:
    """The last Friday in June of the school year in which the child turns 16 (rules §2.5).

    A child who turns 16 in July or August is therefore past it at 15.
    """
    june_year = academic_year(_birthday(dob, 16))[1].year
    june_30 = date(june_year, 6, 30)
    return june_30 - timedelta(days=(june_30.weekday() - _FRIDAY) % 7)


def is_compulsory_school_age(*, dob: date, on: date) -> bool:
    """Both ends inclusive: the age starts on the prescribed day and ends at its close."""
    return compulsory_school_age_start(dob) <= on <= compulsory_school_age_end(dob)
