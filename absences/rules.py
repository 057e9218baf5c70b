"""Pure rules of parent reports, leave and first-day calling: plain values in, no queries."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from registers.codes import CODES, Category

Session = tuple[dt.date, str]  # (date, "AM" | "PM")

# The codes a report's reason pre-fills; "other" has none: the office chooses.
REASON_CODES: dict[str, str] = {"illness": "I", "medical": "M"}

# What the office may choose for a report whose reason is "other": any absence code
# except N (the report is the reason being established).
OFFICE_CODES: tuple[str, ...] = tuple(
    c.code
    for c in CODES.values()
    if c.category in (Category.AUTHORISED, Category.UNAUTHORISED) and c.code not in ("N", "U")
)

LEAVE_GRANTED_CODE = "C"  # leave for exceptional circumstances (rules §1.2, §3.5)
LEAVE_TAKEN_CODE = "G"  # holiday not granted by the school, taken anyway (rules §3.5)
UNEXPLAINED_CODE = "N"


def code_for_reason(reason: str) -> str | None:
    """The code a reason pre-fills, or None when the office must choose."""
    return REASON_CODES.get(reason)


def reported_sessions(
    *,
    first_day: dt.date,
    expected_return: dt.date | None,
    part_of_day: str,
    held: Iterable[Session],
) -> list[Session]:
    """The held sessions a report covers, in order.

    From `first_day` up to the day before `expected_return` (just `first_day` when no
    return date is given); `part_of_day` "AM" or "PM" keeps only that half of each day.
    """
    last = (expected_return - dt.timedelta(days=1)) if expected_return else first_day
    return sorted(
        (day, half)
        for day, half in held
        if first_day <= day <= last and (not part_of_day or half == part_of_day)
    )


def sessions_between(*, start: dt.date, end: dt.date, held: Iterable[Session]) -> list[Session]:
    """The held sessions from `start` to `end` inclusive, in order."""
    return sorted((day, half) for day, half in held if start <= day <= end)


def school_days(sessions: Iterable[Session]) -> int:
    """Days with at least one session (a half day counts as a school day)."""
    return len({day for day, _half in sessions})


def _words(text: str) -> set[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return {w for w in re.split(r"[^a-z0-9]+", plain) if w}


@dataclass(frozen=True)
class Candidate:
    pupil_id: int
    forename: str
    surname: str
    date_of_birth: dt.date
    group: str


def match_score(
    *, child_name: str, date_of_birth: dt.date, child_class: str, candidate: Candidate
) -> int:
    """How well a pupil fits a report: surname 3, forename 2, date of birth 3, class 1.

    Names are compared word by word, ignoring case and accents, so "Amélie Rose
    O'Neill" matches forename "Amelie" and surname "O'Neill".
    """
    typed = _words(child_name)
    score = 0
    if typed and _words(candidate.surname) and _words(candidate.surname) <= typed:
        score += 3
    if typed and _words(candidate.forename) & typed:
        score += 2
    if date_of_birth == candidate.date_of_birth:
        score += 3
    if child_class.strip() and child_class.strip().lower() == candidate.group.strip().lower():
        score += 1
    return score


def best_matches(
    *,
    child_name: str,
    date_of_birth: dt.date,
    child_class: str,
    candidates: Iterable[Candidate],
    limit: int = 5,
    minimum: int = 3,
) -> list[tuple[int, Candidate]]:
    """The best-scoring candidates, highest first, at least `minimum`."""
    scored = [
        (
            match_score(
                child_name=child_name,
                date_of_birth=date_of_birth,
                child_class=child_class,
                candidate=c,
            ),
            c,
        )
        for c in candidates
    ]
    kept = [(s, c) for s, c in scored if s >= minimum]
    kept.sort(key=lambda sc: (-sc[0], sc[1].surname, sc[1].forename, sc[1].pupil_id))
    return kept[:limit]


@dataclass(frozen=True)
class CallPriority:
    social_worker: bool
    cla: bool
    persistent_absence: bool
    attendance_rate: str | None  # a percentage, or None before any possible session
    earlier_absences_this_week: int


def call_rank(p: CallPriority) -> tuple[int, int, float]:
    """Sort key, most urgent first: a social worker or looked after; then repeated absence
    (persistent absentees and pupils already absent earlier this week); then the lowest
    attendance rate."""
    safeguarding = 0 if (p.social_worker or p.cla) else 1
    repeated = 0 if (p.persistent_absence or p.earlier_absences_this_week) else 1
    rate = float(p.attendance_rate) if p.attendance_rate is not None else 100.0
    return (safeguarding, repeated, rate)


def call_reasons(p: CallPriority) -> list[str]:
    """Why a pupil is near the top of the list, in words."""
    reasons = []
    if p.social_worker:
        reasons.append("has a social worker")
    if p.cla:
        reasons.append("looked after")
    if p.persistent_absence:
        reasons.append("persistent absence")
    if p.earlier_absences_this_week:
        reasons.append(f"absent {p.earlier_absences_this_week} earlier session(s) this week")
    return reasons
