"""The demo's year-to-date figures, counted back from the database with the reports' rules."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from registers import rules
from registers.models import Enrolment, Mark, School


@dataclass(frozen=True)
class DemoSummary:
    """Year-to-date figures of the demo schools, pooled as DfE pools them (rules §2.2)."""

    schools: int
    pupils: int
    marks: int
    enrolments: int  # enrolments with at least one possible session this year
    counts: rules.Counts
    persistent: int
    severe: int
    codes: dict[str, int]

    @property
    def overall_absence(self) -> str | None:
        return rules.percentage(part=self.counts.absent, whole=self.counts.possible)

    @property
    def unauthorised(self) -> str | None:
        return rules.percentage(part=self.counts.unauthorised, whole=self.counts.possible)

    @property
    def persistent_rate(self) -> str | None:
        return rules.percentage(part=self.persistent, whole=self.enrolments)

    @property
    def severe_rate(self) -> str | None:
        return rules.percentage(part=self.severe, whole=self.enrolments)


def demo_summary(*, schools: Iterable[School], today: dt.date) -> DemoSummary:
    """Count this academic year's marks per enrolment with the reports' own rules."""
    schools = list(schools)
    per_enrolment = _codes_this_year(schools, today=today)
    counts = [c for c in map(rules.count_codes, per_enrolment.values()) if c.possible]
    return DemoSummary(
        schools=len(schools),
        pupils=Enrolment.objects.filter(school__in=schools).values("pupil").distinct().count(),
        marks=Mark.objects.filter(school__in=schools).count(),
        enrolments=len(counts),
        counts=sum(counts, rules.Counts()),
        persistent=sum(
            rules.is_persistent_absence(absent=c.absent, possible=c.possible) for c in counts
        ),
        severe=sum(rules.is_severe_absence(absent=c.absent, possible=c.possible) for c in counts),
        codes=dict(Counter(code for codes in per_enrolment.values() for code in codes)),
    )


def _codes_this_year(schools: list[School], *, today: dt.date) -> dict[tuple[int, int], list[str]]:
    """The codes of each (school, pupil) from 1 September up to yesterday."""
    start = rules.academic_year(today)[0]
    per_enrolment: dict[tuple[int, int], list[str]] = defaultdict(list)
    marks = Mark.objects.filter(school__in=schools, date__gte=start, date__lt=today)
    for school_id, pupil_id, code in marks.values_list("school_id", "pupil_id", "code_id"):
        per_enrolment[(school_id, pupil_id)].append(code)
    return per_enrolment
