"""Pure rules of the reports: periods, the DfE cohort, suppression, ranks and the summary.

Plain values in, plain values out (no ORM, no clock: `today` is passed in). Attendance
arithmetic (counts, rates, PA and SA) stays in `registers.rules`; the census terms come
from `escalation.rules.term_of`. Section references are to `dfe-attendance-rules.md`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from escalation.rules import easter_sunday
from registers.rules import academic_year, week_monday

TERM, HALF_TERM, YEAR = "term", "half", "year"
TERM_NAMES = ("autumn", "spring", "summer")
_WEEK = timedelta(days=7)
_MAY, _JULY, _AUGUST, _DECEMBER = 5, 7, 8, 12
_DFE_AGES = range(5, 16)  # aged 5 to 15 at 31 August (rules §2.4)
_LAST_COMPULSORY_AGE = 15


@dataclass(frozen=True)
class Period:
    """A reporting period of one school's calendar.

    `start` and `end` are the school's own dates (first and last session, or 1 September
    to `end` for the year to date); `census_start` and `census_end` are the DfE's dates
    for the same period (rules §2.4). `key` is stable, so a form can name it.
    """

    key: str
    kind: str
    label: str
    start: date
    end: date
    census_start: date
    census_end: date
    index: int = 0  # the half term's place in its year (1-6), for "the same half term"

    @property
    def year_label(self) -> str:
        return academic_year(self.start)[2]


# --- Census terms (rules §2.4) -----------------------------------------------------------


def spring_bank_holiday(year: int) -> date:
    """The last Monday in May, when the census's second half of summer begins."""
    may_31 = date(year, _MAY, 31)
    return may_31 - timedelta(days=may_31.weekday())


def census_term(name: str, first_year: int) -> tuple[date, date]:
    """The census dates of a term of the academic year starting in `first_year`:
    autumn 1 August–31 December, spring 1 January–Easter Sunday, summer Easter
    Monday–31 July (rules §2.4)."""
    second = first_year + 1
    if name == "autumn":
        return date(first_year, _AUGUST, 1), date(first_year, _DECEMBER, 31)
    if name == "spring":
        return date(second, 1, 1), easter_sunday(second)
    if name == "summer":
        return easter_sunday(second) + timedelta(days=1), date(second, _JULY, 31)
    raise ValueError(f"unknown term {name!r}")


def school_term_of(first_session: date) -> str:
    """Which term a half term belongs to, the school's way: by the month it starts.

    Schools name terms by their own calendar, not by Easter: a half term that starts in
    September–December is autumn, January–March spring, April–August summer.
    """
    if first_session.month >= 9:
        return "autumn"
    return "spring" if first_session.month <= 3 else "summer"


# --- Periods from a calendar ---------------------------------------------------------------


def half_term_runs(session_dates: Iterable[date]) -> list[tuple[date, date]]:
    """(first, last) session dates of each run of consecutive school weeks.

    A week without sessions (a holiday) ends a run, as in `escalation.rules.half_term_start`;
    a run never crosses 1 September, so a year's first half term starts in it.
    """
    runs: list[tuple[date, date]] = []
    for d in sorted(set(session_dates)):
        if runs:
            first, last = runs[-1]
            same_year = academic_year(first)[0] == academic_year(d)[0]
            if week_monday(d) - week_monday(last) <= _WEEK and same_year:
                runs[-1] = (first, d)
                continue
        runs.append((d, d))
    return runs


def calendar_periods(*, session_dates: Iterable[date], today: date) -> list[Period]:
    """Every period a report may cover, newest first: for each academic year with a
    session on or before today, its year to date, its terms and its half terms.

    1. Split the sessions into half terms (runs of school weeks), dropping those that
       have not started by today and ending the current one at today.
    2. Group each year's half terms into terms by `school_term_of`.
    3. Add the year to date: 1 September to the last session on or before today.
    """
    periods: list[Period] = []
    by_year: dict[int, list[tuple[date, date]]] = {}
    for first, last in half_term_runs(session_dates):
        if first <= today:
            by_year.setdefault(academic_year(first)[0].year, []).append((first, min(last, today)))
    for year in sorted(by_year, reverse=True):
        runs = by_year[year]
        label = f"{year}/{(year + 1) % 100:02d}"
        year_end = runs[-1][1]
        periods.append(
            Period(
                key=f"year-{year}",
                kind=YEAR,
                label=f"Year to date {label} (to {year_end:%-d %B %Y})",
                start=date(year, 9, 1),
                end=year_end,
                census_start=date(year, _AUGUST, 1),
                census_end=year_end,
            )
        )
        for name in reversed(TERM_NAMES):
            in_term = [r for r in runs if school_term_of(r[0]) == name]
            if in_term:
                census_start, census_end = census_term(name, year)
                periods.append(
                    Period(
                        key=f"term-{year}-{name}",
                        kind=TERM,
                        label=f"{name.capitalize()} term {label}",
                        start=in_term[0][0],
                        end=in_term[-1][1],
                        census_start=census_start,
                        census_end=min(census_end, in_term[-1][1]),
                    )
                )
        for index, (first, last) in reversed(list(enumerate(runs, start=1))):
            periods.append(
                Period(
                    key=f"half-{first.isoformat()}",
                    kind=HALF_TERM,
                    label=f"Half term {index} {label} ({first:%-d %b} to {last:%-d %b %Y})",
                    start=first,
                    end=last,
                    census_start=first,
                    census_end=last,
                    index=index,
                )
            )
    return periods


def previous_period(period: Period, periods: Sequence[Period]) -> Period | None:
    """The same period of the previous academic year, if the calendar holds it.

    The same term, or the half term in the same place, or for the year to date the
    previous year up to the same date a year earlier.
    """
    year = academic_year(period.start)[0].year - 1
    if period.kind == YEAR:
        last_year = next((p for p in periods if p.key == f"year-{year}"), None)
        if last_year is None:
            return None
        end = _year_earlier(period.end)
        return Period(
            key=f"year-{year}",
            kind=YEAR,
            label=f"Year to date {last_year.year_label} (to {end:%-d %B %Y})",
            start=last_year.start,
            end=end,
            census_start=last_year.census_start,
            census_end=end,
        )
    if period.kind == TERM:
        name = period.key.rsplit("-", 1)[1]
        return next((p for p in periods if p.key == f"term-{year}-{name}"), None)
    return next(
        (
            p
            for p in periods
            if p.kind == HALF_TERM
            and p.index == period.index
            and academic_year(p.start)[0].year == year
        ),
        None,
    )


def _year_earlier(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return date(d.year - 1, 2, 28)


# --- The DfE statistics cohort (rules §2.4) ------------------------------------------------


def age_on(*, dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def census_age(*, dob: date, period_start: date) -> int:
    """Age at 31 August before the academic year of the period (rules §2.4)."""
    first_year = academic_year(period_start)[0].year
    return age_on(dob=dob, on=date(first_year, _AUGUST, 31))


def in_dfe_headline(*, dob: date, period_start: date) -> bool:
    """Pupils aged 5 to 15 at the start of the academic year are in the headline figures."""
    return census_age(dob=dob, period_start=period_start) in _DFE_AGES


def drops_summer_two(*, dob: date, period_start: date) -> bool:
    """Pupils aged 15 at 31 August lose the second half of summer (rules §2.4)."""
    return census_age(dob=dob, period_start=period_start) == _LAST_COMPULSORY_AGE


def summer_two_start(period_start: date) -> date:
    """The day the census's second half of summer begins in the period's year."""
    return spring_bank_holiday(academic_year(period_start)[1].year)


# --- Suppression ---------------------------------------------------------------------------


def is_small(pupils: int, *, below: int) -> bool:
    """A group of 1 to below-1 pupils is suppressed; an empty group has nothing to hide."""
    return 0 < pupils < below


def complementary(sizes: Mapping[str, int], *, below: int) -> set[str]:
    """The keys to suppress among rows that add up to a published total.

    1. Suppress every small group (primary suppression).
    2. While the hidden rows could be worked out together (the total minus the shown
       rows gives their sum): that is, while only one row is hidden or the hidden rows
       hold fewer than `below` pupils between them, also hide the smallest shown
       non-empty row (secondary suppression).
    """
    hidden = {k for k, n in sizes.items() if is_small(n, below=below)}
    others = sorted((n, k) for k, n in sizes.items() if k not in hidden and n > 0)
    while hidden and others and (len(hidden) == 1 or sum(sizes[k] for k in hidden) < below):
        hidden.add(others.pop(0)[1])
    return hidden


def hide_count(n: int, *, below: int) -> bool:
    """Counts of pupils or events from 1 to below-1 are shown as "fewer than" below."""
    return 0 < n < below


# --- Benchmarking and the summary ------------------------------------------------------------


def ranks(values: Mapping[str, str | None]) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) by value, highest first; keys without a value have
    no rank. Values are percentages as strings, compared exactly."""
    shown = sorted(((Decimal(v), k) for k, v in values.items() if v is not None), reverse=True)
    found: dict[str, int] = {}
    for position, (value, key) in enumerate(shown, start=1):
        tied = [found[k] for v, k in shown[: position - 1] if v == value]
        found[key] = tied[0] if tied else position
    return found


def points(a: str | None, b: str | None) -> Decimal | None:
    return None if a is None or b is None else Decimal(a) - Decimal(b)


@dataclass(frozen=True)
class Headline:
    """The few figures the summary speaks of, as percentages (strings) or None."""

    attendance: str | None
    persistent: str | None
    severe: str | None
    unauthorised: str | None


def _moved(name: str, now: str | None, before: str | None, *, lower_is_better: bool) -> str | None:
    change = points(now, before)
    if change is None:
        return None
    if change == 0:
        return f"{name} was unchanged at {now}%"
    verb = "rose" if change > 0 else "fell"
    better = (change < 0) == lower_is_better
    return f"{name} {verb} from {before}% to {now}% ({'better' if better else 'worse'})"


def summary(
    *,
    now: Headline,
    before: Headline | None,
    target: str,
    national: Headline,
    comparison_label: str,
) -> list[str]:
    """Plain-English sentences on what changed, built only from the figures given."""
    if now.attendance is None:
        return ["No attendance was recorded in this period."]
    lines = []
    gap = points(now.attendance, target)
    assert gap is not None
    if gap >= 0:
        lines.append(f"Attendance was {now.attendance}%, meeting the school's target of {target}%.")
    else:
        lines.append(
            f"Attendance was {now.attendance}%, {abs(gap):.1f} points below the school's "
            f"target of {target}%."
        )
    if before is not None and before.attendance is not None:
        change = points(now.attendance, before.attendance)
        assert change is not None
        if change == 0:
            lines.append(f"Attendance was unchanged on {comparison_label}.")
        else:
            verb = "rose" if change > 0 else "fell"
            lines.append(
                f"Attendance {verb} {abs(change):.1f} points on {comparison_label} "
                f"(from {before.attendance}%)."
            )
        moves = [
            _moved("Persistent absence", now.persistent, before.persistent, lower_is_better=True),
            _moved("Severe absence", now.severe, before.severe, lower_is_better=True),
            _moved(
                "Unauthorised absence", now.unauthorised, before.unauthorised, lower_is_better=True
            ),
        ]
        lines.extend(f"{m}." for m in moves if m)
    else:
        lines.append(f"There are no figures for {comparison_label} to compare with.")
    vs_national = points(now.attendance, national.attendance)
    if vs_national is not None:
        where = "above" if vs_national > 0 else "below" if vs_national < 0 else "level with"
        amount = f"{abs(vs_national):.1f} points " if vs_national else ""
        lines.append(
            f"Attendance was {amount}{where} the national figure of {national.attendance}%."
        )
    return lines
