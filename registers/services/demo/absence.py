"""The demo's absence model: who misses which sessions, and with which codes.

Absence comes in episodes (an illness of a few days, a day off unexplained) whose start
probability varies by pupil, weekday and month. Pupils' propensities follow a skewed
(log-normal) distribution plus a small group of severe absentees: that heavy tail puts
about a fifth of pupils over the 10% persistent-absence line while the overall rate
stays near 7%. Propensities are dealt out by rank (stratified), so even a 420-pupil
school gets the national shape rather than a lucky or unlucky draw, and the ranking
follows risk (free school meals, SEND, a social worker, siblings alike).

Pure: everything is drawn from the caller's `random.Random`, nothing touches the database.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from statistics import NormalDist
from typing import NamedTuple

from .families import HOUSES, YEAR_GROUPS, Child, Family

_WEEKDAY = (1.15, 0.95, 0.9, 0.92, 1.08)  # Mondays and Fridays are missed most
# By month, January first: winter illness peaks, September starts fresh.
_MONTH = (1.15, 1.1, 1.0, 0.9, 0.9, 0.95, 1.0, 1.0, 0.75, 1.0, 1.1, 1.2)
_MEDIAN_RATE, _RATE_SIGMA, _MAX_RATE = 0.038, 0.85, 0.45
_SEVERE_SHARE, _SEVERE_RATES = 0.02, (0.56, 0.85)
_ILLNESS_DAYS, _ILLNESS_WEIGHTS = (1, 2, 3, 4, 5), (50, 25, 13, 7, 5)
_ILLNESS_MEAN = sum(d * w for d, w in zip(_ILLNESS_DAYS, _ILLNESS_WEIGHTS, strict=True)) / 100
_AUTHORISED = (("I", 88), ("C", 7), ("M", 5))  # a whole-day M is a hospital appointment
_AUTHORISED_MEAN = sum(w * (_ILLNESS_MEAN if c == "I" else 1) for c, w in _AUTHORISED) / 100
_UNAUTHORISED_MEAN = 1.2
_UNRESOLVED_DAYS = 3  # N only in the last few school days: older reasons are known by now


def _risk(family: Family, child: Child) -> float:
    factor = 1.45 if family.fsm else 1.0
    factor *= {"N": 1.0, "K": 1.25, "E": 1.5}[child.send]
    factor *= 1.3 if family.social_worker else 1.0
    return factor * (1.2 if child.young_carer else 1.0)


def assign_propensities(rng: random.Random, families: list[Family]) -> None:
    """Give every child an absence rate, lateness and activities.

    1. Score each child: a family factor shared by siblings, times their own noise and
       risk factors.
    2. Rank by score: the top `_SEVERE_SHARE` are severe absentees; the rest get the
       quantiles of a log-normal rate distribution in rank order.
    """
    children = _ranked(rng, families)
    severe = round(len(children) * _SEVERE_SHARE)
    usual = len(children) - severe
    normal = NormalDist(math.log(_MEDIAN_RATE), _RATE_SIGMA)
    for rank, child in enumerate(children[:usual]):
        child.absence_rate = min(_MAX_RATE, math.exp(normal.inv_cdf((rank + 0.5) / usual)))
    low, high = _SEVERE_RATES
    for rank, child in enumerate(children[usual:]):
        child.absence_rate = low + (high - low) * (rank + 0.5) / severe
    for child in children:
        # The more a pupil misses, the less of it is explained.
        child.unauthorised_share = min(0.8, 0.2 + 0.8 * child.absence_rate)


def _ranked(rng: random.Random, families: list[Family]) -> list[Child]:
    """Every child, least likely to be absent first; draws their habits on the way."""
    scored = []
    for family in families:
        shared = rng.lognormvariate(0, 0.6)
        for child in family.children:
            scored.append((shared * rng.lognormvariate(0, 0.5) * _risk(family, child), child))
            _assign_habits(rng, family, child)
    scored.sort(key=lambda pair: pair[0])
    return [child for _score, child in scored]


def _assign_habits(rng: random.Random, family: Family, child: Child) -> None:
    child.in_team = child.year_index >= 4 and rng.random() < 0.15
    child.outreach = child.send == "E" and rng.random() < 0.3
    child.observes_festival = (
        family.background in ("south_asian", "middle_eastern") and rng.random() < 0.6
    )
    persistent_late = rng.random() < 0.12
    child.late_rate = rng.uniform(0.06, 0.15) if persistent_late else rng.uniform(0, 0.025)


def _start_probability(child: Child) -> float:
    """Chance per day of starting an episode so that the long-run absent share is the rate.

    With episodes of mean length L starting with probability p on a day not already in
    one, the absent share is pL / (pL + 1 - p); solved for p.
    """
    share = child.unauthorised_share
    length = share * _UNAUTHORISED_MEAN + (1 - share) * _AUTHORISED_MEAN
    rate = child.absence_rate
    return rate / (length * (1 - rate) + rate)


def _episode(rng: random.Random, child: Child) -> tuple[str, int]:
    if rng.random() < child.unauthorised_share:
        return "O", 1 if rng.random() < 0.8 else 2
    code = rng.choices([c for c, _w in _AUTHORISED], weights=[w for _c, w in _AUTHORISED])[0]
    days = rng.choices(_ILLNESS_DAYS, weights=_ILLNESS_WEIGHTS)[0] if code == "I" else 1
    return code, days


@dataclass
class YearPlan:
    """One academic year of one school: its days so far and its whole-school events."""

    days: list[tuple[dt.date, tuple[str, ...]]]  # (date, halves) of sessions before today
    school_days: list[dt.date]  # every school day of the year, for holiday blocks
    trips: dict[str, set[dt.date]]  # educational visits by class name: V
    sports: set[dt.date]  # PM fixtures for the school team: P
    transition: set[dt.date]  # Year 6 days at their secondary school: B (as is outreach)
    festival: dt.date | None  # a religious festival some families observe: R
    unresolved_from: dt.date


class Code(NamedTuple):
    date: dt.date
    session: str
    code: str
    minutes_late: int | None = None


@dataclass
class CodeDrawer:
    rng: random.Random
    plan: YearPlan
    group: str  # the child's class in this year
    holiday: frozenset[dt.date]

    def codes(self, child: Child) -> Iterator[Code]:
        """Every mark of one child for this year's sessions so far, in date order."""
        rng, start = self.rng, _start_probability(child)
        code, remaining = "", 0
        for day, halves in self.plan.days:
            if day < child.admission:
                continue
            if day in self.holiday:
                yield from self.whole_day(day, halves, "G")
            elif day == self.plan.festival and child.observes_festival:
                yield from self.whole_day(day, halves, "R")
            elif remaining:
                remaining -= 1
                yield from self.whole_day(day, halves, code)
            elif rng.random() < start * _WEEKDAY[day.weekday()] * _MONTH[day.month - 1]:
                code, length = _episode(rng, child)
                if day >= self.plan.unresolved_from and code in ("I", "O") and rng.random() < 0.5:
                    code = "N"  # the family has not yet said why
                remaining = length - 1
                yield from self.whole_day(day, halves, code)
            else:
                yield from self.present_day(child, day, halves)

    def whole_day(self, day: dt.date, halves: tuple[str, ...], code: str) -> Iterator[Code]:
        return (Code(day, half, code) for half in halves)

    def class_event(self, day: dt.date) -> str | None:
        """V for the class's educational visit, B for Year 6's transition day."""
        if day in self.plan.trips.get(self.group, ()):
            return "V"
        if day in self.plan.transition and self.group.startswith("6"):
            return "B"
        return None

    def present_day(self, child: Child, day: dt.date, halves: tuple[str, ...]) -> Iterator[Code]:
        rng, plan = self.rng, self.plan
        if event := self.class_event(day):
            yield from self.whole_day(day, halves, event)
            return
        outreach = child.outreach and day.weekday() == 2  # Wednesday afternoons
        appointment = rng.choice(halves) if rng.random() < 0.006 else None
        for half in halves:
            if half == appointment:
                yield Code(day, half, "M")
            elif half == "PM" and child.in_team and day in plan.sports:
                yield Code(day, half, "P")
            elif half == "PM" and outreach:
                yield Code(day, half, "B")
            elif half == "AM" and rng.random() < child.late_rate:
                # Minutes after the register opened; it stays open 30 minutes.
                minutes = min(90, 1 + int(rng.expovariate(1 / 11)))
                yield Code(day, half, "L" if minutes <= 30 else "U", minutes)
            else:
                yield Code(day, half, "/" if half == "AM" else "\\")


def _thirds(days: list[dt.date]) -> list[list[dt.date]]:
    size = -(-len(days) // 3)
    return [days[i : i + size] for i in range(0, len(days), size)]


def year_plan(rng: random.Random, halves: dict[dt.date, list[str]], today: dt.date) -> YearPlan:
    """Draw a year's events from its sessions (`halves` by school day)."""
    school_days = sorted(halves)
    done = [d for d in school_days if d < today]
    # N stays only while the register is fresh: not over a holiday, nor in past years.
    fresh = bool(done) and (today - done[-1]).days <= 4
    groups = [f"{y}{h}" for y in YEAR_GROUPS for h in HOUSES]
    july_thursdays = [d for d in school_days if d.month == 7 and d.weekday() == 3]
    return YearPlan(
        days=[(d, tuple(halves[d])) for d in done],
        school_days=school_days,
        trips={g: {rng.choice(term) for term in _thirds(school_days)} for g in groups},
        sports={rng.choice(school_days) for _ in range(6)},
        transition=set(july_thursdays[:1]),
        festival=rng.choice([d for d in school_days if d.month in (1, 2, 3, 4)] or school_days),
        unresolved_from=done[-_UNRESOLVED_DAYS:][0] if fresh else dt.date.max,
    )


def holiday_block(rng: random.Random, school_days: list[dt.date]) -> frozenset[dt.date]:
    """3–10 school days taken next to a holiday, before it or after it."""
    gaps = [
        i for i in range(len(school_days) - 1) if (school_days[i + 1] - school_days[i]).days > 4
    ]
    if not gaps:
        return frozenset()
    i, length = rng.choice(gaps), rng.randint(3, 10)
    if rng.random() < 0.5:
        return frozenset(school_days[max(0, i - length + 1) : i + 1])
    return frozenset(school_days[i + 1 : i + 1 + length])
