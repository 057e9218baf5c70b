"""Pure rules of deleting a name from the admission register, and of retention.

Plain values in, plain values out (no database, no clock: pass `today`), so the deletion
service, its form and the retention purge share one implementation and the tests need
no database. Section references are to `dfe-attendance-rules.md` ("rules §").

A name may be deleted "if, and only if" a regulation 9 ground arises, and never
retrospectively (rules §5.3). Ground (i), 20 school days of continuous absence, has the
only sub-conditions the spec confirms (rules §5.4, scenario S24); the others are
recorded with the date they were met, on the school's word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from registers.rules import Half, Session, academic_year

# --- Grounds (Regs 2024 reg 9; rules §5.3) -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ground:
    """One ground for deletion: its key, the regulation and a plain-English label."""

    key: str
    regulation: str
    label: str


CONTINUOUS_ABSENCE = "i"
NOT_COMPULSORY_AGE = "9(3)"

# The reg 9(1) list as the Torbay LA form gives it (rules §5.3). The exact sub-conditions
# of each are UNCONFIRMED except (i); the labels say what the school is confirming.
GROUNDS: tuple[Ground, ...] = (
    Ground("a", "9(1)(a)", "Registered at another school (and not dual-registered here)"),
    Ground("b", "9(1)(b)", "Did not continue from the nursery class into the school"),
    Ground("c", "9(1)(c)", "Dual-registered, and the other school or schools agree"),
    Ground("d", "9(1)(d)", "School attendance order amended to name another school"),
    Ground("e", "9(1)(e)", "School attendance order revoked"),
    Ground(
        "f", "9(1)(f)", "A parent told the school in writing of education otherwise than at school"
    ),
    Ground("g", "9(1)(g)", "No longer lives within a reasonable distance of the school"),
    Ground("h", "9(1)(h)", "Did not return after a leave of absence"),
    Ground(
        CONTINUOUS_ABSENCE,
        "9(1)(i)",
        "Absent for 20 school days in a row, and the school and local authority "
        "could not find the pupil",
    ),
    Ground("j", "9(1)(j)", "Detained under a sentence"),
    Ground("k", "9(1)(k)", "Has died"),
    Ground("l", "9(1)(l)", "Will be over compulsory school age and is not staying on (sixth form)"),
    Ground("m", "9(1)(m)", "Boarding fees unpaid"),
    Ground("n", "9(1)(n)", "No longer a pupil of the independent or non-maintained special school"),
    Ground("o", "9(1)(o)", "Permanently excluded"),
    Ground(NOT_COMPULSORY_AGE, "9(3)", "Not of compulsory school age, and has stopped attending"),
)
GROUNDS_BY_KEY: dict[str, Ground] = {g.key: g for g in GROUNDS}

# --- Ground (i): 20 school days of continuous absence (rules §5.4, S24) ------------------

CONTINUOUS_ABSENCE_DAYS = 20
CONTINUOUS_ABSENCE_CODES = frozenset({"G", "N", "O"})

SchoolDay = tuple[date, frozenset[Half]]


@dataclass(frozen=True, slots=True)
class AbsenceRun:
    """The latest run of school days on which every session held was coded G, N or O.

    `reached_on` is the day the run's `length`-th school day fell, if it has.
    """

    days: int = 0
    first_day: date | None = None
    last_day: date | None = None
    reached_on: date | None = None


def absence_run(
    *,
    school_days: Sequence[SchoolDay],
    codes: Mapping[Session, str],
    through: date,
    length: int = CONTINUOUS_ABSENCE_DAYS,
) -> AbsenceRun:
    """The run of continuous G/N/O school days ending at the last complete day <= through.

    1. Keep the school days (in date order, with the halves held) up to `through`.
    2. Drop trailing days whose registers are not all taken yet (today's afternoon, say):
       they have not happened, so they neither extend nor break the run.
    3. Walk back from the last day while every session held is G, N or O. Any other
       code, or a missing mark in the middle of the period, ends the run (S24 variant:
       an `I` on one morning restarts the count from the next G/N/O day).

    The escalation engine raises the CME duty with its own copy of this walk
    (`escalation.rules.day_run_milestones`); the register cannot import its consumers.
    """
    if length < 1:
        raise ValueError(f"length must be at least 1, not {length}")
    days = [(d, halves) for d, halves in school_days if d <= through and halves]
    while days and not all((days[-1][0], h) in codes for h in days[-1][1]):
        days.pop()
    run: list[date] = []
    for day, halves in reversed(days):
        if not all(codes.get((day, h)) in CONTINUOUS_ABSENCE_CODES for h in halves):
            break
        run.append(day)
    if not run:
        return AbsenceRun()
    run.reverse()
    reached = run[length - 1] if len(run) >= length else None
    return AbsenceRun(days=len(run), first_day=run[0], last_day=run[-1], reached_on=reached)


@dataclass(frozen=True, slots=True)
class Confirmation:
    """A check the school records for ground (i): whether it holds, who said so, when."""

    confirmed: bool = False
    by: str = ""
    on: date | None = None


@dataclass(frozen=True, slots=True)
class GroundIChecks:
    """The two conditions of ground (i) beyond the absence itself (rules §5.4)."""

    # No reasonable grounds to believe the pupil cannot attend through sickness or an
    # unavoidable cause.
    no_sickness_grounds: Confirmation = Confirmation()
    # The school and the local authority jointly made reasonable enquiries and failed to
    # locate the pupil.
    enquiries_failed: Confirmation = Confirmation()


Problem = tuple[str, str]  # (form field, message in plain English)

_CHECK_WORDING = {
    "no_sickness_grounds": (
        "that the school has no reasonable grounds to believe the pupil cannot attend "
        "because of sickness or an unavoidable cause"
    ),
    "enquiries_failed": (
        "that the school and the local authority jointly made reasonable enquiries and "
        "could not find the pupil"
    ),
}


def _confirmation_problems(field: str, check: Confirmation, today: date) -> list[Problem]:
    what = _CHECK_WORDING[field]
    if not check.confirmed:
        return [(field, f"Record {what}.")]
    problems = []
    if not check.by.strip():
        problems.append((f"{field}_by", f"Say who confirmed {what}."))
    if check.on is None:
        problems.append((f"{field}_on", f"Give the date it was confirmed {what}."))
    elif check.on > today:
        problems.append((f"{field}_on", "A check cannot be dated in the future."))
    return problems


def ground_i_problems(*, run: AbsenceRun, checks: GroundIChecks, today: date) -> list[Problem]:
    """What ground (i) still lacks: the 20 days, and each check with who and when."""
    problems: list[Problem] = []
    if run.days < CONTINUOUS_ABSENCE_DAYS:
        problems.append(
            (
                "ground",
                f"Ground (i) needs {CONTINUOUS_ABSENCE_DAYS} school days in a row with every "
                f"session coded G, N or O; the pupil's latest run is {run.days} school "
                f"day{'s' if run.days != 1 else ''}.",
            )
        )
    problems += _confirmation_problems("no_sickness_grounds", checks.no_sickness_grounds, today)
    problems += _confirmation_problems("enquiries_failed", checks.enquiries_failed, today)
    return problems


# --- The deletion as a whole --------------------------------------------------------------


def deletion_problems(
    *,
    ground: str,
    deletion_date: date,
    ground_met_on: date | None,
    today: date,
    admission_date: date,
    leaving_date: date | None,
    compulsory_school_age: bool,
    run: AbsenceRun,
    checks: GroundIChecks,
) -> list[Problem]:
    """Every reason the deletion may not be made; empty when it may.

    For ground (i) the date the ground was met is the day the 20th school day fell
    (`run.reached_on`), so `ground_met_on` is ignored for it.
    """
    if ground not in GROUNDS_BY_KEY:
        return [("ground", "Choose the ground for deleting the pupil's name.")]
    problems: list[Problem] = []
    if deletion_date < today:
        problems.append(
            (
                "deletion_date",
                "A name cannot be deleted retrospectively: the deletion date must be today "
                "or later.",
            )
        )
    if deletion_date < admission_date:
        problems.append(("deletion_date", "The deletion date is before the pupil's admission."))
    if leaving_date is not None and leaving_date < deletion_date:
        problems.append(("deletion_date", "The pupil is not on roll on the deletion date."))
    if ground == CONTINUOUS_ABSENCE:
        return problems + ground_i_problems(run=run, checks=checks, today=today)
    if ground_met_on is None:
        problems.append(("ground_met_on", "Give the date the ground was met."))
    elif ground_met_on > deletion_date:
        problems.append(("ground_met_on", "The ground must be met on or before the deletion date."))
    # Reg 9(3) covers pupils who are not of compulsory school age (rules §5.3).
    if ground == NOT_COMPULSORY_AGE and compulsory_school_age:
        problems.append(
            (
                "ground",
                "Regulation 9(3) is only for pupils not of compulsory school age; this pupil "
                "is of compulsory school age on the deletion date.",
            )
        )
    return problems


# --- The deletion return (rules §5.2) -----------------------------------------------------

YEAR_ORDER = ("N1", "N2", "R", *(str(n) for n in range(1, 15)))


def most_senior_year(year_groups: Sequence[str]) -> str | None:
    """The highest year group among `year_groups` in school order, or None."""
    known = [y for y in year_groups if y in YEAR_ORDER]
    return max(known, key=YEAR_ORDER.index) if known else None


def deletion_return_due(
    *,
    year_group: str,
    senior_year: str | None,
    deletion_date: date,
    last_school_day: date | None,
) -> tuple[bool, str]:
    """Whether a deletion return goes to the local authority, and why not if it does not.

    Exempt (reg 13(5), per Bradford BSO; rules §5.2): a deletion at or after the end of
    the last term of the school year of a pupil in the most senior class.
    INTERPRETATION: "the most senior class" is the highest year group on roll at the
    school (`senior_year`), and "the end of the last term" is the last day the school
    meets in the academic year of the deletion (`last_school_day`). When either is
    unknown the return is due: a needless return costs less than a missing one.
    """
    if senior_year is None or last_school_day is None or year_group != senior_year:
        return True, ""
    if deletion_date < last_school_day:
        return True, ""
    _start, _end, label = academic_year(deletion_date)
    return False, (
        f"Year {year_group} is the most senior class and the deletion is at the end of "
        f"the {label} school year (regulation 13(5))."
    )


# --- Retention (rules §5.9) ----------------------------------------------------------------

MIN_REGISTER_RETENTION_YEARS = 6


def years_before(d: date, years: int) -> date:
    """The same day `years` earlier; 29 February falls back to 28 February."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return date(d.year - years, 2, 28)


def register_retention_cutoff(*, today: date, years: int) -> date:
    """Register entries dated before this day may be removed; later ones are kept.

    Every entry is kept for at least `years` years from its date (rules §5.9; "from the
    date of the entry" is the spec's assumption). The cutoff is the 1 September that
    starts the academic year containing the day `years` before today, so whole academic
    years go at once, and each the day after its last entry is `years` years old.
    """
    if years < MIN_REGISTER_RETENTION_YEARS:
        raise ValueError(
            f"register entries are kept at least {MIN_REGISTER_RETENTION_YEARS} years, not {years}"
        )
    return academic_year(years_before(today, years))[0]
