"""`demo_seed`: the service that loads the demo, tying the other modules together."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction

from registers import rules
from registers.models import Guardian, School, SchoolSession, Trust, User
from registers.signals import demo_seeded

from .absence import YearPlan, assign_propensities, holiday_block, year_plan
from .calendar import calendar_create
from .families import Family, Planner
from .names import school_place
from .people import DEMO_LOGINS, TEACHER_GROUP, Placed, logins_create, pupils_create
from .schools import FIRST_ESTABLISHMENT, FIRST_URN, school_create
from .summary import DemoSummary, demo_summary
from .writer import mark_rows, write_marks

DEMO_TRUST = "Demo Learning Trust"
MAX_PUPILS = 6000  # a UPN serial has 3 digits: at most 1000 pupils per cohort per school


class DemoError(Exception):
    """The demo cannot be loaded (bad options, or it is already there)."""


@dataclass
class _Built:
    school: School
    plans: dict[int, YearPlan]
    pupils: list[Placed]
    guardians: dict[int, list[Guardian]]  # by family index


def _check_options(*, pupils: int, schools: int, years: int) -> None:
    if not 1 <= pupils <= MAX_PUPILS:
        raise DemoError(f"pupils must be between 1 and {MAX_PUPILS} per school, not {pupils}")
    if not 1 <= schools <= 99:
        raise DemoError(f"schools must be between 1 and 99, not {schools}")
    if not 0 <= years <= 10:
        raise DemoError(f"years must be between 0 and 10, not {years}")


def _refuse_if_loaded(schools: int) -> None:
    urns = [str(FIRST_URN + i) for i in range(schools)]
    if (
        School.objects.filter(urn__in=urns).exists()
        or Trust.objects.filter(name=DEMO_TRUST).exists()
        or User.objects.filter(username__in=[login.username for login in DEMO_LOGINS]).exists()
    ):
        raise DemoError(
            "The demo (or a school or login with its URNs or names) is already in "
            "this database; seed an empty database."
        )


def _academic_year(day: dt.date) -> int:
    """The academic year of `day`, as the calendar year of its September."""
    return rules.academic_year(day)[0].year


def _year_plans(*, rng: random.Random, school: School, today: dt.date) -> dict[int, YearPlan]:
    by_year: dict[int, dict[dt.date, list[str]]] = defaultdict(lambda: defaultdict(list))
    sessions = SchoolSession.objects.filter(school=school).order_by("date", "session")
    for day, half in sessions.values_list("date", "session"):
        by_year[_academic_year(day)][day].append(half)
    return {year: year_plan(rng, by_year[year], today) for year in sorted(by_year)}


def _plan_holidays(rng: random.Random, families: list[Family], plans: dict[int, YearPlan]) -> None:
    """Some families take a term-time holiday in some years, siblings together."""
    for family in families:
        family.holidays = {
            year: holiday_block(rng, plan.school_days)
            for year, plan in plans.items()
            if rng.random() < 0.07
        }


def _school_build(
    *,
    rng: random.Random,
    index: int,
    trust: Trust,
    today: dt.date,
    years: int,
    pupils: int,
    phones: Iterator[int],
) -> _Built:
    """Steps 2–4 of `demo_seed` for one school."""
    current_year = _academic_year(today)
    place = school_place(index)
    school = school_create(rng=rng, index=index, place=place, trust=trust)
    calendar_create(school=school, years=range(current_year - years, current_year + 1))
    plans = _year_plans(rng=rng, school=school, today=today)
    this_year = plans.get(current_year)
    joining = [d for d, _halves in this_year.days] if this_year else []
    families = Planner(rng, place, current_year, joining, phones).families(pupils)
    assign_propensities(rng, families)
    _plan_holidays(rng, families, plans)
    placed, guardians = pupils_create(
        school=school,
        families=families,
        establishment=FIRST_ESTABLISHMENT + index,
        current_year=current_year,
    )
    return _Built(school, plans, placed, guardians)


def _marks_write(
    *,
    rng: random.Random,
    built: _Built,
    recorders: dict[str, int | None],
    today: dt.date,
    progress: bool,
) -> int:
    """Step 5 of `demo_seed` for one school; returns the number of marks written."""
    rows = mark_rows(
        rng=rng,
        school=built.school,
        plans=built.plans,
        pupils=built.pupils,
        current_year=_academic_year(today),
        recorders=recorders,
        progress=progress,
    )
    return write_marks(rows)


@transaction.atomic
def demo_seed(
    *,
    today: dt.date,
    seed: int = 1,
    pupils: int = 420,
    schools: int = 1,
    years: int = 0,
    progress: bool = False,
) -> DemoSummary:
    """Load the demo into an empty database; deterministic for `seed` and `today`.

    1. Check the options and refuse if the demo (its URNs, trust or logins) is there.
    2. Create the trust "Demo Learning Trust" (also for one school, so that the trust
       leader login has a trust) and its schools, URNs from 140001.
    3. Per school: this academic year's calendar and `years` earlier ones, rebuilt into
       sessions; then families of pupils, their enrolments and guardians.
    4. The demo logins, staff at the first school; the parent is a guardian of siblings.
    5. A mark for every session before `today` on which each pupil is on roll; none for
       `today` itself, so registers can be taken live.
    Returns this year's figures, counted back from the database.
    """
    _check_options(pupils=pupils, schools=schools, years=years)
    _refuse_if_loaded(schools)
    rng = random.Random(seed)
    trust = Trust.objects.create(name=DEMO_TRUST)
    phones = iter(range(rng.randrange(1000), 10**9))
    built = [
        _school_build(
            rng=rng, index=i, trust=trust, today=today, years=years, pupils=pupils, phones=phones
        )
        for i in range(schools)
    ]
    first = built[0]
    users = logins_create(trust=trust, school=first.school, parent_of=first.guardians[0][0])
    # At the first school the teacher login takes their class's registers and the office
    # login all the others; elsewhere nobody the demo has a login for.
    staff: dict[str, int | None] = {"": users["office"].id, TEACHER_GROUP: users["teacher"].id}
    for b in built:
        recorders = staff if b is first else {"": None}
        _marks_write(rng=rng, built=b, recorders=recorders, today=today, progress=progress)
    demo_seeded.send(sender=School, school=first.school, today=today, seed=seed)
    return demo_summary(schools=[b.school for b in built], today=today)
