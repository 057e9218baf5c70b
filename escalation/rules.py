"""Pure rules of the escalation engine: session bitmasks, terms, PA risk, bands, runs, ladder.

Plain values in, plain values out: no ORM and no clock (`today` is passed in). The
attendance rules themselves (counts, rates, PA/SA, the threshold, the N deadline) live
in `registers.rules` and are reused, never re-implemented here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from registers.rules import (
    Half,
    Mark,
    SchoolWeeks,
    Session,
    academic_year,
    percentage,
    threshold_met_sessions,
)

from .policy import Policy, RiskBandRule

WEEK_BITS = 14  # 7 days x AM/PM
_ALL_BITS = (1 << WEEK_BITS) - 1


# --- Session bitmasks (see escalation.models.aggregates) ---------------------------------


def session_bit(*, monday: date, day: date, half: Half) -> int:
    """Bit number of a session inside its Monday–Sunday week: 2 * weekday + half."""
    offset = (day - monday).days
    if not 0 <= offset < 7:
        raise ValueError(f"{day} is not in the week of {monday}")
    return 2 * offset + int(half)


def mask_sessions(*, monday: date, mask: int) -> list[Session]:
    """The sessions whose bits are set, in order (AM before PM)."""
    return [
        (monday + timedelta(days=bit // 2), Half(bit % 2))
        for bit in range(WEEK_BITS)
        if mask >> bit & 1
    ]


def mask_through(*, monday: date, as_of: date) -> int:
    """The bits of the week's sessions on or before as_of."""
    if as_of < monday:
        return 0
    days = (as_of - monday).days + 1
    return _ALL_BITS if days >= 7 else (1 << (2 * days)) - 1


# --- Calendar periods ----------------------------------------------------------------------


def half_term_start(*, weeks: SchoolWeeks, as_of: date) -> date | None:
    """Monday of the first school week of the half term holding as_of.

    A half term is a run of consecutive school weeks; a week without sessions (a holiday)
    ends it. A one-session week joined to a term belongs to it.
    """
    n = weeks.latest_number_on_or_before(as_of)
    if n is None:
        return None
    while n > 1 and weeks.monday(n) - weeks.monday(n - 1) == timedelta(days=7):
        n -= 1
    return weeks.monday(n)


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


def term_of(d: date) -> tuple[str, date]:
    """The census term holding d and the day it starts (rules §2.4): autumn from
    1 September, spring from 1 January to Easter Sunday, summer from Easter Monday."""
    if d.month >= 9:
        return "autumn", date(d.year, 9, 1)
    easter = easter_sunday(d.year)
    if d <= easter:
        return "spring", date(d.year, 1, 1)
    return "summer", easter + timedelta(days=1)


def window_first_monday(*, weeks: SchoolWeeks, as_of: date, size: int) -> date | None:
    """Monday of the first of the `size` school weeks ending with as_of's school week."""
    n = weeks.latest_number_on_or_before(as_of)
    return None if n is None else weeks.monday(weeks.window(n, size)[0])


def earliest_window_day(*, weeks: SchoolWeeks, as_of: date, window_weeks: int) -> date:
    """The first day a threshold window of as_of's year can reach: `window_weeks - 1`
    school weeks before the week of the year's first session (or of as_of when the year
    has none yet). The contract report counts marks from this day, so we do too."""
    year_start = academic_year(as_of)[0]
    opening = weeks.first_session_on_or_after(year_start)
    anchor = weeks.number(opening) if opening and opening <= as_of else None
    anchor = anchor or weeks.latest_number_on_or_before(as_of)
    if anchor is None:
        return year_start
    return min(year_start, weeks.monday(max(1, anchor - window_weeks + 1)))


# --- Threshold episodes (rules §0.5, §3.3 item 5) --------------------------------------


@dataclass(frozen=True)
class Episode:
    """The national threshold's current episode: the qualifying sessions after the last
    session counted by the last recorded decision (all of them before any decision).

    `met` stays true once the episode reaches the limit within the window, however the
    rolling window moves on, until a decision closes it; only a correction of the marks
    that counted can withdraw it. `window_*`, `sessions` and `last` describe the window
    it was met in, or else the current window (and `last` is None).
    """

    met: bool
    met_on: date | None
    provisional: bool  # met, but not without the sessions coded only N
    window_start: date | None
    window_end: date | None
    sessions: int
    sessions_to_meet: int
    last: Session | None  # the last session counted: where the next episode begins
    decided_withdrawn: bool  # the last decision's episode is not met on the marks as now


NO_EPISODE = Episode(False, None, False, None, None, 0, 10, None, False)


def _sessions(marks: Iterable[Mark]) -> list[Session]:
    return sorted({(d, Half(h)) for d, h, _c in marks})


def threshold_episode(
    *,
    qualifying: Sequence[Mark],
    weeks: SchoolWeeks,
    as_of: date,
    boundaries: Sequence[Session] = (),
    known_from: date | None = None,
    limit: int = 10,
    window_weeks: int = 10,
) -> Episode:
    """The current episode as of a date (table-tested in test_episodes).

    1. The episode counts the qualifying sessions (G/N/O/U as recorded now, on or
       before as_of) after the last of `boundaries`: the last session each recorded
       decision counted, in order.
    2. It is met at the first session completing `limit` within `window_weeks` school
       weeks among them (rules §3.3 item 5); provisional when the sessions that are not
       only N never do.
    3. Met: count the sessions of the window ending with the met session's week. Not
       met: those of the current window, and how many more would meet it.
    4. The last decision's own episode (after the boundary before it) is re-tested on
       the marks as now: when it no longer meets the threshold, say so. Sessions before
       `known_from` were not loaded, so an episode reaching back before it is not judged.
    """
    marks = [m for m in qualifying if m[0] <= as_of]
    after = max(boundaries) if boundaries else None
    mine = [m for m in marks if after is None or (m[0], Half(m[1])) > after]
    met_at = threshold_met_sessions(
        qualifying=mine, weeks=weeks, limit=limit, window_weeks=window_weeks
    )
    withdrawn = _withdrawn(marks, weeks, boundaries, known_from, limit, window_weeks)
    latest = weeks.latest_number_on_or_before(as_of)
    if met_at:
        met_day = met_at[0][0]
        week = weeks.number(met_day)
        assert week is not None  # a met session lies in a school week
    elif latest is None:
        return replace(NO_EPISODE, sessions_to_meet=limit, decided_withdrawn=withdrawn)
    else:
        week = latest
    first, last_week = weeks.window(week, window_weeks)
    start, end = weeks.monday(first), weeks.sunday(last_week)
    counted = [s for s in _sessions(mine) if start <= s[0] <= end]
    if not met_at:
        return Episode(
            False, None, False, start, end, len(counted), max(0, limit - len(counted)), None,
            withdrawn,
        )  # fmt: skip
    firm = [m for m in mine if m[2] != "N"]
    provisional = not threshold_met_sessions(
        qualifying=firm, weeks=weeks, limit=limit, window_weeks=window_weeks
    )
    return Episode(True, met_day, provisional, start, end, len(counted), 0, counted[-1], withdrawn)


def _withdrawn(
    marks: Sequence[Mark],
    weeks: SchoolWeeks,
    boundaries: Sequence[Session],
    known_from: date | None,
    limit: int,
    window_weeks: int,
) -> bool:
    if not boundaries:
        return False
    ordered = sorted(boundaries)
    closed, before = ordered[-1], ordered[-2] if len(ordered) > 1 else None
    if known_from is not None and (before is None or before[0] < known_from):
        reach = weeks.latest_number_on_or_before(closed[0])
        if reach is None or weeks.monday(max(1, reach - window_weeks + 1)) < known_from:
            return False
    decided = [
        m
        for m in marks
        if (before is None or (m[0], Half(m[1])) > before) and (m[0], Half(m[1])) <= closed
    ]
    return not threshold_met_sessions(
        qualifying=decided, weeks=weeks, limit=limit, window_weeks=window_weeks
    )


# --- Risk of persistent absence --------------------------------------------------------


def absence_sessions_to_pa(*, absent: int, possible: int, remaining: int) -> int:
    """How many more absent sessions this year make the pupil PA at the year's end.

    With `remaining` possible sessions still to come, the year ends with
    possible + remaining; PA needs absent * 10 >= that (rules §0.3). 0 means the pupil
    is locked into PA for the year whatever happens next.
    """
    total = possible + remaining
    return max(0, -(-total // 10) - absent) if total else 0


def projected_attendance_rate(
    *, attended: int, possible: int, recent_attended: int, recent_possible: int, remaining: int
) -> str | None:
    """End-of-year attendance rate if the remaining sessions go at the recent pace.

    The pace is the attendance of the recent school weeks (the policy's `pace_weeks`),
    or of the year when they hold no possible session. Exact integers, like the rates.
    """
    if not recent_possible:
        recent_attended, recent_possible = attended, possible
    if not recent_possible:
        return None
    part = attended * recent_possible + remaining * recent_attended
    return percentage(part=part, whole=(possible + remaining) * recent_possible)


def risk_band(*, rules: Sequence[RiskBandRule], absence_sessions: int) -> tuple[str, int | None]:
    """The band and support tier for the days absent in the term (a session is half a
    day; rules §5.7 suggests sessions ÷ 2), from the policy's table."""
    found: tuple[str, int | None] = ("none", None)
    for rule in rules:
        if absence_sessions >= 2 * rule.min_days:
            found = (rule.band, rule.tier)
    return found


# --- Runs for the duties ---------------------------------------------------------------


def day_run_milestones(
    *, school_days: Sequence[tuple[date, frozenset[Half]]], absent: set[Session], length: int
) -> list[tuple[date, date]]:
    """(first day, day the `length`-th day is reached) of every run of consecutive school
    days on which every session held was an absence in `absent` (rules §5.4, §5.5).

    `school_days` is the school's days in order with the halves held. Any other day
    (present, authorised, not yet marked) breaks the run (scenario S24 variant).
    """
    found: list[tuple[date, date]] = []
    start: date | None = None
    count = 0
    for day, halves in school_days:
        if halves and all((day, h) in absent for h in halves):
            start = day if count == 0 else start
            count += 1
            if count == length and start is not None:
                found.append((start, day))
        else:
            count = 0
    return found


def session_run_milestones(
    *, school_sessions: Sequence[Session], marked: set[Session], length: int
) -> list[tuple[date, date]]:
    """(first day, day reached) of every run of `length` consecutive school sessions
    in `marked` (e.g. 10 continuous G sessions for the leave referral)."""
    found: list[tuple[date, date]] = []
    run: list[Session] = []
    for session in school_sessions:
        if session in marked:
            run.append(session)
            if len(run) == length:
                found.append((run[0][0], session[0]))
        else:
            run = []
    return found


def nth_session_day(sessions: Iterable[Session], n: int) -> date | None:
    """The day of the n-th session in chronological order, or None if fewer."""
    ordered = sorted(sessions)
    return ordered[n - 1][0] if len(ordered) >= n else None


# --- The support-first ladder ------------------------------------------------------------

ACTIONS = {
    0: "close_case",
    1: "letter_1",
    2: "letter_2_and_support_meeting",
    3: "formal_attendance_meeting",
    4: "notice_to_improve",
}
PENALTY_REQUEST = "penalty_notice_request"


@dataclass(frozen=True)
class Standing:
    """What the ladder reads from a pupil's status."""

    attended: int
    possible: int
    threshold_met_now: bool = False
    local_threshold_met_now: bool = False
    threshold_holiday_sessions: int = 0


@dataclass(frozen=True)
class CaseState:
    stage: int = 0
    weeks_at_stage: int = 0  # school weeks since the stage began, counting its first week
    stage_attended: int = 0
    stage_possible: int = 0


@dataclass(frozen=True)
class Step:
    stage: int
    action: str
    reasons: tuple[str, ...]


def _rate(attended: int, possible: int) -> str:
    return percentage(part=attended, whole=possible) or "–"


def is_concern(*, policy: Policy, attended: int, possible: int) -> bool:
    """Below the policy's rate, in exact integers, once there is enough data."""
    if possible < policy.min_possible_sessions:
        return False
    return Decimal(attended * 100) < policy.concern_below_rate * possible


def has_improved(*, policy: Policy, standing: Standing, case: CaseState) -> bool:
    """Attendance rose by at least `improvement_points` since the stage began."""
    if not case.stage_possible or not standing.possible:
        return False
    before = Decimal(case.stage_attended) / case.stage_possible
    now = Decimal(standing.attended) / standing.possible
    return (now - before) * 100 >= policy.improvement_points


def ladder_step(*, policy: Policy, standing: Standing, case: CaseState) -> Step | None:
    """The stage move the engine proposes, or None (table-tested in test_rules_ladder).

    1. Threshold met by unauthorised holiday alone, below stage 4: propose a penalty
       notice request; support first is not appropriate (rules §3.5, scenario S8).
    2. Out of concern for `recovered_weeks` at a stage: propose closing the case.
    3. Stage 0 in concern: stage 1, first letter.
    4. Stages 1–3 in concern after the stage's period without improvement: next stage;
       stage 4 only when the national (or local) threshold is met, if the policy says so.
    """
    rate = _rate(standing.attended, standing.possible)
    concern = is_concern(policy=policy, attended=standing.attended, possible=standing.possible)
    if (
        policy.holiday_fast_track
        and case.stage < 4
        and standing.threshold_met_now
        and standing.threshold_holiday_sessions >= policy.national_limit
    ):
        return Step(
            4,
            PENALTY_REQUEST,
            (
                f"national threshold met by {standing.threshold_holiday_sessions} sessions "
                "of holiday not granted (G)",
                "support first is not appropriate for a term-time holiday (rules §3.5)",
            ),
        )
    if case.stage == 0:
        if concern:
            return Step(
                1, ACTIONS[1], (f"attendance {rate}% is below {policy.concern_below_rate}%",)
            )
        return None
    if not concern:
        if case.weeks_at_stage >= policy.recovered_weeks:
            return Step(
                0,
                ACTIONS[0],
                (f"attendance {rate}% is at or above {policy.concern_below_rate}%",),
            )
        return None
    if case.stage >= 4:
        return None
    period = policy.stage_weeks[case.stage - 1]
    if case.weeks_at_stage < period or has_improved(policy=policy, standing=standing, case=case):
        return None
    before = _rate(case.stage_attended, case.stage_possible)
    reasons = [
        f"attendance {rate}% after {case.weeks_at_stage} school weeks at stage {case.stage} "
        f"(was {before}%; improvement needed {policy.improvement_points} points)"
    ]
    if case.stage == 3:
        met = standing.threshold_met_now or standing.local_threshold_met_now
        if policy.legal_needs_threshold and not met:
            return None
        if met:
            reasons.append("the attendance threshold is met")
    return Step(case.stage + 1, ACTIONS[case.stage + 1], tuple(reasons))


def school_weeks_between(*, weeks: SchoolWeeks, start: date, today: date) -> int:
    """School weeks begun after start's week, up to and including today's week."""
    last = weeks.latest_number_on_or_before(today) or 0
    first = weeks.latest_number_on_or_before(start) or 0
    return max(0, last - first)
