"""A school's figures for a period, both the school's way and the DfE statistics way.

Reads through `reports.selectors` (a fixed number of set-based queries per school), adds
up enrolments with `reports.figures.Tally` and applies the DfE cohort rules of
`reports.rules`. Nothing here is suppressed yet: `reports.snapshot` does that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from escalation.dashboard.figures import National, national_figures
from escalation.dashboard.overview import COHORTS
from escalation.selectors import policy_for
from registers import rules
from registers.models import School, YearGroup
from reports import rules as rrules
from reports import selectors
from reports.figures import Tally, total
from reports.selectors import EnrolmentRow

COHORT_LABELS = {key: label for key, label, _q in COHORTS}
YEAR_LABELS = dict(YearGroup.choices)


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    tally: Tally
    rest: Tally | None = None  # everyone else, for the gap


@dataclass(frozen=True)
class DfeWay:
    """The DfE statistics way (rules §2.4) and what it left out of the school's way."""

    tally: Tally
    outside_age: int  # enrolments not aged 5-15 at 31 August
    zero_possible: int  # enrolments with no possible session
    summer_two_entrants: int  # first enrolled in the second half of summer
    summer_two_sessions: int  # possible sessions removed for pupils aged 15
    summer_two_pupils: int = 0  # pupils aged 15 who had sessions removed

    @property
    def differing(self) -> int:
        """Enrolments counted differently from the school's way (left out, or with
        sessions removed); those with no possible session change no figure."""
        return self.outside_age + self.summer_two_entrants + self.summer_two_pupils


@dataclass
class SchoolFigures:
    school: School
    period: rrules.Period
    previous: rrules.Period | None
    target: str
    national: National
    school_way: Tally
    dfe: DfeWay
    previous_school_way: Tally | None
    previous_dfe: DfeWay | None
    weeks: list[tuple[date, rules.Counts]]
    year_groups: list[Group]
    cohorts: list[Group]
    stages: dict[int, int]
    moves: dict[str, int]
    decisions: dict[str, int]
    interventions: dict[str, dict[str, int]] | None
    leave: dict[str, int] | None
    rows: list[EnrolmentRow] = field(default_factory=list, repr=False)


def school_tally(rows: Iterable[EnrolmentRow]) -> Tally:
    """Every enrolment on roll in the period, the school's way."""
    return total([Tally.of_enrolment(r.counts) for r in rows if r.on_roll_sessions])


def dfe_way(rows: Iterable[EnrolmentRow], period: rrules.Period) -> DfeWay:
    """The DfE's cohort over the census dates (rules §2.4).

    1. Keep pupils aged 5 to 15 at 31 August before the year.
    2. Drop enrolments that first began in the second half of summer.
    3. For pupils aged 15, remove the second half of summer's sessions.
    4. Drop enrolments left with no possible session; judge PA and SA on what remains.
    """
    summer_two = rrules.summer_two_start(period.start)
    kept: list[Tally] = []
    outside = entrants = zero = removed = trimmed = 0
    for row in rows:
        if not rrules.in_dfe_headline(dob=row.dob, period_start=period.start):
            outside += 1
            continue
        if row.admitted >= summer_two and period.census_end >= summer_two:
            entrants += 1
            continue
        counts = row.census_counts
        if rrules.drops_summer_two(dob=row.dob, period_start=period.start):
            removed += row.late_counts.possible
            trimmed += row.late_counts.possible > 0
            counts = (Tally(counts=counts) - Tally(counts=row.late_counts)).counts
        if counts.possible == 0:
            zero += 1
            continue
        kept.append(Tally.of_enrolment(counts))
    return DfeWay(total(kept), outside, zero, entrants, removed, trimmed)


def period_rows(school: School, period: rrules.Period) -> list[EnrolmentRow]:
    """Each enrolment's counts over the school's dates and the census dates, in one read."""
    summer_two = rrules.summer_two_start(period.start)
    split = summer_two if period.census_start <= summer_two <= period.census_end else None
    return selectors.enrolment_rows(
        school=school,
        start=period.start,
        end=period.end,
        census=(period.census_start, period.census_end),
        split_on=split,
    )


def _groups(rows: list[EnrolmentRow], whole: Tally) -> tuple[list[Group], list[Group]]:
    by_year: dict[str, list[Tally]] = {}
    by_cohort: dict[str, list[Tally]] = {key: [] for key in COHORT_LABELS}
    for row in rows:
        if not row.on_roll_sessions:
            continue
        tally = Tally.of_enrolment(row.counts)
        by_year.setdefault(row.year_group, []).append(tally)
        for key in row.cohorts:
            by_cohort[key].append(tally)
    order = list(YEAR_LABELS)
    years = [
        Group(key, YEAR_LABELS.get(key, key), total(by_year[key]))
        for key in sorted(by_year, key=lambda k: order.index(k) if k in order else len(order))
    ]
    cohorts = []
    for key, tallies in by_cohort.items():
        inside = total(tallies)
        cohorts.append(Group(key, COHORT_LABELS[key], inside, whole - inside))
    return years, cohorts


def school_figures(
    *,
    school: School,
    period: rrules.Period,
    periods: list[rrules.Period],
    progress: Callable[[int], None] = lambda _p: None,
    weekly: bool = True,
) -> SchoolFigures:
    """Every figure of the termly report for one school and period.

    1. Count each enrolment's marks over the school's dates and over the census dates,
       this year and for the same period last year.
    2. Add them up the school's way and the DfE way, by year group and by cohort.
    3. Count the ladder's stages, threshold decisions, notices and leave in the period.
    The trend by school week is left out when `weekly` is false (the trust report has
    no per-school trend), which saves a scan of the period's marks.
    """
    previous = rrules.previous_period(period, periods)
    rows = period_rows(school, period)
    whole = school_tally(rows)
    dfe = dfe_way(rows, period)
    progress(40)
    previous_school = previous_dfe = None
    if previous is not None:
        previous_rows = period_rows(school, previous)
        previous_school = school_tally(previous_rows)
        previous_dfe = dfe_way(previous_rows, previous)
    progress(70)
    years, cohorts = _groups(rows, whole)
    return SchoolFigures(
        school=school,
        period=period,
        previous=previous,
        target=f"{policy_for(school).concern_below_rate:.1f}",
        national=national_figures(),
        school_way=whole,
        dfe=dfe,
        previous_school_way=previous_school,
        previous_dfe=previous_dfe,
        weeks=selectors.weekly_counts(school=school, start=period.start, end=period.end)
        if weekly
        else [],
        year_groups=years,
        cohorts=cohorts,
        stages=selectors.stage_counts(school=school, on=period.end),
        moves=selectors.stage_moves(school=school, start=period.start, end=period.end),
        decisions=selectors.decision_counts(school=school, start=period.start, end=period.end),
        interventions=selectors.intervention_counts(
            school=school, start=period.start, end=period.end
        ),
        leave=selectors.leave_counts(school=school, start=period.start, end=period.end),
        rows=rows,
    )
