"""Pure rules of the National Framework for penalty notices and notices to improve.

Plain values in, plain values out: no ORM, no clock (`today` and every date are passed
in), so every rule is tested table-driven without a database. Section references are to
`dfe-attendance-rules.md` ("rules §"). Amounts are whole pence.

- Amounts and payment windows (rules §4.2, §4.3): `PenaltyTerms`, `payment_options`,
  `payment_due`.
- Receipt of a notice (rules §4.2 "deemed receipt"): `receipt_date`.
- The rolling 3-year limit per parent per child (rules §0.8, §4.4, S20, S21):
  `three_years_before`, `notices_in_period`, `limit_breached_by`.
- The notice to improve's improvement period in school weeks (rules §0.9, §4.6):
  `improvement_period`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from registers.rules import SchoolWeeks, week_monday

_ONE_DAY = timedelta(days=1)
_FRIDAY = 4

# At most this many non-withdrawn notices per parent per child in any 3 years (rules §4.4).
NOTICE_LIMIT = 2
LIMIT_YEARS = 3

# The notice to improve's improvement period, in school weeks (rules §0.9, §4.6).
MIN_IMPROVEMENT_WEEKS = 3
MAX_IMPROVEMENT_WEEKS = 6
DEFAULT_IMPROVEMENT_WEEKS = 6

# A posted notice is deemed received this many working days after posting (rules §4.2
# leaves deemed receipt UNCONFIRMED; this is the civil courts' convention for first class
# post, and each authority can set its own in the configuration).
DEFAULT_DEEMED_RECEIPT_WORKING_DAYS = 2


# --- Amounts and payment windows ---------------------------------------------------------


@dataclass(frozen=True)
class PenaltyTerms:
    """Amounts and periods in force from `effective_from` (rules §4.2, §4.3).

    A second-notice reduced amount of `None` means no reduced option for a second notice.
    Periods are days "beginning with" the receipt date: the receipt date is day 1.
    """

    effective_from: date
    first_reduced_pence: int
    first_reduced_days: int
    first_full_pence: int
    first_full_days: int
    second_reduced_pence: int | None
    second_reduced_days: int | None
    second_full_pence: int
    second_full_days: int
    improvement_weeks: int = DEFAULT_IMPROVEMENT_WEEKS
    deemed_receipt_working_days: int = DEFAULT_DEEMED_RECEIPT_WORKING_DAYS

    def __post_init__(self) -> None:
        problems = terms_problems(self)
        if problems:
            raise ValueError("; ".join(problems))


def terms_problems(terms: PenaltyTerms) -> list[str]:
    """What is wrong with a set of terms, in words a person can act on (empty when fine)."""
    problems = []
    if min(terms.first_reduced_pence, terms.first_full_pence, terms.second_full_pence) <= 0:
        problems.append("amounts must be more than £0")
    if not 0 < terms.first_reduced_days < terms.first_full_days:
        problems.append("the reduced period must be shorter than the full period")
    if terms.first_reduced_pence >= terms.first_full_pence:
        problems.append("the reduced amount must be less than the full amount")
    if (terms.second_reduced_pence is None) != (terms.second_reduced_days is None):
        problems.append("a second-notice reduced amount needs its period, and the reverse")
    if terms.second_reduced_pence is not None and terms.second_reduced_days is not None:
        if not 0 < terms.second_reduced_days < terms.second_full_days:
            problems.append("the second notice's reduced period must be shorter than its full one")
        if terms.second_reduced_pence >= terms.second_full_pence:
            problems.append("the second notice's reduced amount must be less than its full one")
    if terms.second_full_days <= 0:
        problems.append("the second notice's period must be at least 1 day")
    if not MIN_IMPROVEMENT_WEEKS <= terms.improvement_weeks <= MAX_IMPROVEMENT_WEEKS:
        problems.append(
            f"the improvement period must be {MIN_IMPROVEMENT_WEEKS} to "
            f"{MAX_IMPROVEMENT_WEEKS} school weeks"
        )
    if not 0 <= terms.deemed_receipt_working_days <= 10:
        problems.append("deemed receipt must be 0 to 10 working days after posting")
    return problems


# The national terms, oldest first. 19 Aug 2024: SI 2024/210 (rules §4.2). 1 Sep 2013: the
# 2013 regime, £60 within 21 days and £120 within 28, the same for every notice (§4.3).
NATIONAL_TERMS: tuple[PenaltyTerms, ...] = (
    PenaltyTerms(
        effective_from=date(2013, 9, 1),
        first_reduced_pence=6000,
        first_reduced_days=21,
        first_full_pence=12000,
        first_full_days=28,
        second_reduced_pence=6000,
        second_reduced_days=21,
        second_full_pence=12000,
        second_full_days=28,
    ),
    PenaltyTerms(
        effective_from=date(2024, 8, 19),
        first_reduced_pence=8000,
        first_reduced_days=21,
        first_full_pence=16000,
        first_full_days=28,
        second_reduced_pence=None,
        second_reduced_days=None,
        second_full_pence=16000,
        second_full_days=28,
    ),
)


def terms_on(table: Iterable[PenaltyTerms], *, on: date) -> PenaltyTerms:
    """The terms in force on `on`: the latest row effective on or before it."""
    in_force = [t for t in table if t.effective_from <= on]
    if not in_force:
        raise LookupError(f"no penalty notice terms were in force on {on:%d %B %Y}")
    return max(in_force, key=lambda t: t.effective_from)


@dataclass(frozen=True)
class PaymentOption:
    """Pay `amount_pence` on or before `last_day` to discharge liability."""

    amount_pence: int
    last_day: date
    reduced: bool


def period_end(*, received_on: date, days: int) -> date:
    """Last day of the period of `days` days beginning with the receipt date (rules §4.2)."""
    if days < 1:
        raise ValueError("a payment period is at least 1 day")
    return received_on + timedelta(days=days - 1)


def payment_options(
    *, terms: PenaltyTerms, prior_notices: int, received_on: date
) -> tuple[PaymentOption, ...]:
    """What discharges the notice and until when: the reduced amount first, if any.

    `prior_notices` is the count of earlier non-withdrawn notices to this parent for this
    child in the 3 years ending with this notice's issue date (rules §4.4): 0 gives the
    first-notice rates, 1 the second-notice rates; 2 or more means no notice may be issued.
    """
    if prior_notices < 0:
        raise ValueError("prior_notices cannot be negative")
    if prior_notices >= NOTICE_LIMIT:
        raise ValueError("no penalty notice may be issued: the 3-year limit is reached")
    reduced: tuple[int | None, int | None]
    if prior_notices == 0:
        reduced = (terms.first_reduced_pence, terms.first_reduced_days)
        full = (terms.first_full_pence, terms.first_full_days)
    else:
        reduced = (terms.second_reduced_pence, terms.second_reduced_days)
        full = (terms.second_full_pence, terms.second_full_days)
    options: list[PaymentOption] = []
    if reduced[0] is not None and reduced[1] is not None:
        end = period_end(received_on=received_on, days=reduced[1])
        options.append(PaymentOption(reduced[0], end, reduced=True))
    end = period_end(received_on=received_on, days=full[1])
    options.append(PaymentOption(full[0], end, reduced=False))
    return tuple(options)


def payment_due(*, options: Sequence[PaymentOption], paid_on: date) -> PaymentOption | None:
    """The option a payment on `paid_on` falls in, or None when it is too late to discharge
    liability (the authority must then prosecute or withdraw, rules §4.2)."""
    for option in sorted(options, key=lambda o: o.last_day):
        if paid_on <= option.last_day:
            return option
    return None


# --- Receipt -----------------------------------------------------------------------------


class Delivery(StrEnum):
    HAND = "hand"  # handed to the parent: received that day
    POST = "post"  # first class post: deemed received, unless the actual date is known
    EMAIL = "email"  # received the day it is sent


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    d = date(year + month // 12, month % 12 + 1, 1) - _ONE_DAY
    return d - timedelta(days=d.weekday())


def _substitute(d: date, taken: set[date]) -> date:
    """A holiday on a weekend moves to the next weekday not already a holiday."""
    while d.weekday() > _FRIDAY or d in taken:
        d += _ONE_DAY
    return d


def bank_holidays(year: int) -> frozenset[date]:
    """The regular bank holidays of England and Wales in `year` (one-off days, such as a
    coronation, are not predictable and are not included)."""
    easter = easter_sunday(year)
    fixed: set[date] = {
        easter - timedelta(days=2),
        easter + _ONE_DAY,
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
    }
    fixed.add(_substitute(date(year, 1, 1), fixed))
    christmas = _substitute(date(year, 12, 25), fixed)
    fixed.add(christmas)
    fixed.add(_substitute(date(year, 12, 26), fixed))
    return frozenset(fixed)


def is_working_day(d: date) -> bool:
    return d.weekday() <= _FRIDAY and d not in bank_holidays(d.year)


def add_working_days(start: date, days: int) -> date:
    d = start
    for _ in range(days):
        d += _ONE_DAY
        while not is_working_day(d):
            d += _ONE_DAY
    return d


@dataclass(frozen=True)
class Receipt:
    received_on: date
    rule: str  # how the date was found, stored on the notice (rules §4.2)


def receipt_date(
    *,
    delivery: Delivery,
    issued_on: date,
    posted_on: date | None = None,
    actual_received_on: date | None = None,
    deemed_working_days: int = DEFAULT_DEEMED_RECEIPT_WORKING_DAYS,
) -> Receipt:
    """The date a notice is received, actual or deemed, and the rule used.

    1. A known actual receipt date wins (scenario S17 uses the actual date).
    2. By hand or email: received on the day of issue.
    3. By post: deemed received `deemed_working_days` working days (Monday to Friday, not a
       bank holiday) after posting.
    """
    if actual_received_on is not None:
        if actual_received_on < issued_on:
            raise ValueError("a notice cannot be received before it is issued")
        return Receipt(actual_received_on, "actual date of receipt")
    if delivery is not Delivery.POST:
        return Receipt(issued_on, f"delivered by {delivery.value} on the day of issue")
    if posted_on is None:
        raise ValueError("a posted notice needs its posting date")
    if posted_on < issued_on:
        raise ValueError("a notice cannot be posted before it is issued")
    received = add_working_days(posted_on, deemed_working_days)
    return Receipt(
        received, f"deemed: {deemed_working_days} working days after posting on {posted_on}"
    )


# --- The 3-year limit --------------------------------------------------------------------


def three_years_before(d: date) -> date:
    """The same day 3 years earlier; 29 February becomes 28 February."""
    try:
        return d.replace(year=d.year - LIMIT_YEARS)
    except ValueError:
        return d.replace(year=d.year - LIMIT_YEARS, day=28)


def limit_period(*, proposed_on: date) -> tuple[date, date]:
    """The period of three years ending with the proposed issue date, inclusive (rules §4.4
    INTERPRETATION, S21): from the day after the same day 3 years before, to that date."""
    return three_years_before(proposed_on) + _ONE_DAY, proposed_on


def notices_in_period(*, issued_on: Iterable[date], proposed_on: date) -> int:
    """Earlier non-withdrawn notices (same parent, same child) counted on `proposed_on`."""
    start, end = limit_period(proposed_on=proposed_on)
    return sum(1 for d in issued_on if start <= d <= end)


def limit_lifts_on(*, issued_on: Iterable[date], proposed_on: date) -> date | None:
    """The first date from which a further notice is possible again, or None when one is
    possible on `proposed_on` (S21: notices of 20 Sep 2024 and 10 Jun 2025 → 20 Sep 2027)."""
    start, end = limit_period(proposed_on=proposed_on)
    inside = sorted(d for d in issued_on if start <= d <= end)
    if len(inside) < NOTICE_LIMIT:
        return None
    leaving = inside[len(inside) - NOTICE_LIMIT]
    try:
        return leaving.replace(year=leaving.year + LIMIT_YEARS)
    except ValueError:  # 29 February: on 28 February it is still inside the period
        return date(leaving.year + LIMIT_YEARS, 3, 1)


def limit_breached_by(*, issued_on: Iterable[date], proposed_on: date) -> bool:
    """Would a notice issued on `proposed_on` put 3 notices inside some 3-year period?

    The usual case is 2 notices in the period ending with the proposed date; a notice
    recorded late (issued on a date before notices already recorded) is checked against
    every period that would contain it, so no order of recording can get round the limit.
    """
    dates = sorted([*issued_on, proposed_on])
    return any(
        three_years_before(later) < earlier
        for earlier, later in zip(dates, dates[NOTICE_LIMIT:], strict=False)
    )


# --- Notice to improve -------------------------------------------------------------------


@dataclass(frozen=True)
class ImprovementPeriod:
    start: date
    end: date
    weeks: int
    first_week: int
    last_week: int


def improvement_period(
    *, weeks: SchoolWeeks, issued_on: date, school_weeks: int = DEFAULT_IMPROVEMENT_WEEKS
) -> ImprovementPeriod:
    """The improvement period of a notice to improve, in school weeks (rules §0.9, §4.6).

    1. It starts with the first school day after the day of issue, so the parent has the
       notice before the period runs.
    2. It lasts `school_weeks` school weeks counting the week it starts in (a Norfolk or
       Southwark "6 school weeks" is then at most 30 school days); holiday weeks do not
       count, so a period running into a holiday is extended by it.
    3. It ends on the last school day of its last school week.
    """
    if not MIN_IMPROVEMENT_WEEKS <= school_weeks <= MAX_IMPROVEMENT_WEEKS:
        raise ValueError(
            f"the improvement period must be {MIN_IMPROVEMENT_WEEKS} to "
            f"{MAX_IMPROVEMENT_WEEKS} school weeks"
        )
    start = weeks.first_session_on_or_after(issued_on + _ONE_DAY)
    if start is None:
        raise LookupError(f"the school calendar holds no school day after {issued_on:%d %B %Y}")
    first = weeks.number(start)
    assert first is not None  # a session date always lies in a school week
    last = first + school_weeks - 1
    if last > len(weeks):
        raise LookupError(
            f"the school calendar does not yet hold {school_weeks} school weeks from "
            f"{start:%d %B %Y}: add the next term's dates first"
        )
    monday = weeks.monday(last)
    end = max(d for d in weeks.session_dates if week_monday(d) == monday)
    return ImprovementPeriod(start, end, school_weeks, first, last)


def improvement_met(*, unauthorised_sessions: int, allowed: int) -> bool:
    """Whether the unauthorised absence during the period is within what the notice
    allowed (a suggestion: the person recording the outcome decides)."""
    return unauthorised_sessions <= allowed
