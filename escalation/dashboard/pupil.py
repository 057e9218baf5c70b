"""One pupil's record at one school: marks as a calendar, figures, threshold, patterns,
family, cases and support. Pure pattern functions first, then the selector."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from escalation.models import (
    AttendanceContract,
    Case,
    CaseEvent,
    Duty,
    PupilNote,
    PupilStatus,
    SupportPlan,
    ThresholdDecision,
)
from registers import rules
from registers.codes import CODES, THRESHOLD_CODES, CodeDef
from registers.models import Enrolment, Mark, Pupil, PupilGuardian, School, SchoolSession
from registers.selectors.marks import pupils_at

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
MarkKey = tuple[dt.date, str]  # (date, "AM" | "PM")


# --- Patterns: pure functions over plain values -----------------------------------------


@dataclass(frozen=True)
class Pattern:
    label: str
    absent: int
    possible: int

    @property
    def rate(self) -> str | None:
        return rules.percentage(part=self.absent, whole=self.possible)


def weekday_absence(marks: dict[MarkKey, str]) -> list[Pattern]:
    """Absent of possible sessions per weekday, Monday to Friday."""
    found = []
    for index, day in enumerate(DAYS):
        codes = [CODES[c] for (d, _h), c in marks.items() if d.weekday() == index]
        found.append(
            Pattern(
                day,
                sum(1 for c in codes if c.is_absence),
                sum(1 for c in codes if c.is_possible),
            )
        )
    return found


def next_to_holidays(session_days: Sequence[dt.date]) -> set[dt.date]:
    """School days just before or after a break: the previous (or next) school day is
    not the previous (or next) weekday. Weekends alone are not a break."""
    days = sorted(set(session_days))
    edges: set[dt.date] = set()
    for before, after in zip(days, days[1:], strict=False):
        weekdays_between = sum(
            1
            for n in range(1, (after - before).days)
            if (before + dt.timedelta(days=n)).weekday() < 5
        )
        if weekdays_between:
            edges.update((before, after))
    return edges


def holiday_adjacent_absence(marks: dict[MarkKey, str], edges: set[dt.date]) -> Pattern:
    codes = [CODES[c] for (d, _h), c in marks.items() if d in edges]
    return Pattern(
        "Days next to holidays",
        sum(1 for c in codes if c.is_absence),
        sum(1 for c in codes if c.is_possible),
    )


@dataclass(frozen=True)
class Spell:
    start: dt.date
    end: dt.date
    sessions: int


def holiday_spells(marks: dict[MarkKey, str], sessions: Sequence[MarkKey]) -> list[Spell]:
    """Runs of G (holiday without leave) over consecutive school sessions."""
    spells: list[Spell] = []
    run: list[MarkKey] = []
    for key in sorted(sessions, key=lambda k: (k[0], k[1] != "AM")):
        if marks.get(key) == "G":
            run.append(key)
            continue
        if run:
            spells.append(Spell(run[0][0], run[-1][0], len(run)))
            run = []
    if run:
        spells.append(Spell(run[0][0], run[-1][0], len(run)))
    return spells


def holidays_kept_under_threshold(spells: Sequence[Spell], *, met: bool, limit: int = 10) -> bool:
    """Two or more term-time holidays this year, each short of the threshold's sessions,
    and the threshold never met: a pattern worth a conversation, not a breach."""
    return not met and len(spells) >= 2 and all(s.sessions < limit for s in spells)


# --- The calendar ---------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    day: dt.date
    half: str
    state: str  # a category, "none" (no mark), "future", "off", "closed"
    code: CodeDef | None = None


@dataclass(frozen=True)
class CalendarWeek:
    monday: dt.date
    number: int
    cells: list[Cell]


def calendar_weeks(
    *,
    weeks: Sequence[tuple[dt.date, int]],
    held: set[MarkKey],
    marks: dict[MarkKey, str],
    on_roll: Sequence[tuple[dt.date, dt.date | None]],
    today: dt.date,
) -> list[CalendarWeek]:
    """Monday-to-Friday rows of AM and PM cells for each school week."""

    def state(day: dt.date, half: str) -> Cell:
        key = (day, half)
        if key in marks:
            code = CODES[marks[key]]
            return Cell(day, half, code.category.value, code)
        if key not in held:
            return Cell(day, half, "closed")
        if not any(a <= day and (e is None or day <= e) for a, e in on_roll):
            return Cell(day, half, "off")
        return Cell(day, half, "future" if day > today else "none")

    return [
        CalendarWeek(
            monday,
            number,
            [state(monday + dt.timedelta(days=d), half) for d in range(5) for half in ("AM", "PM")],
        )
        for monday, number in weeks
    ]


# --- The selector ----------------------------------------------------------------------


@dataclass
class Sibling:
    pupil: Pupil
    status: PupilStatus | None
    school: School | None = None  # set when the sibling is on roll at another school


@dataclass
class PupilRecord:
    pupil: Pupil
    school: School
    today: dt.date
    status: PupilStatus | None
    enrolments: list[Enrolment]
    calendar: list[CalendarWeek]
    qualifying: list[tuple[dt.date, str, CodeDef]]
    weekdays: list[Pattern]
    holiday_edges: Pattern
    holidays: list[Spell]
    holidays_under_threshold: bool
    guardians: list[PupilGuardian]
    siblings: list[Sibling]
    case: Case | None
    events: list[CaseEvent]
    duties: list[Duty]
    decisions: list[ThresholdDecision]
    plans: list[SupportPlan]
    contracts: list[AttendanceContract]
    notes: list[PupilNote] = field(default_factory=list)

    @property
    def registration_group(self) -> str:
        return self.enrolments[0].registration_group if self.enrolments else ""

    @property
    def contacts(self) -> list[PupilNote]:
        return [n for n in self.notes if n.is_contact]

    @property
    def plain_notes(self) -> list[PupilNote]:
        return [n for n in self.notes if not n.is_contact]

    @property
    def needs_threshold_decision(self) -> bool:
        """The threshold's current episode is met and no decision has answered it."""
        return self.status is not None and self.status.decision_needed


def pupil_record(
    *, school: School, pupil: Pupil, today: dt.date, other_schools: Sequence[School] = ()
) -> PupilRecord:
    """Everything the pupil page shows, in a fixed number of queries.

    1. The status row, the enrolments, and the year's sessions and marks at the school.
    2. The calendar, the qualifying sessions of the current threshold window, and the
       patterns, computed from those marks in Python.
    3. Family (guardians, and siblings sharing a guardian who are on roll here or at
       one of `other_schools`, those whose pupils the viewer may see), the case with its
       history, duties, decisions, plans, contracts and notes.
    """
    year_start, year_end, _label = rules.academic_year(today)
    status = PupilStatus.objects.filter(school=school, pupil=pupil).first()
    enrolments = list(
        Enrolment.objects.filter(school=school, pupil=pupil).order_by("-admission_date")
    )
    sessions = list(
        SchoolSession.objects.filter(school=school, date__gte=year_start, date__lte=year_end)
        .select_related("week")
        .order_by("date", "session")
    )
    marks: dict[MarkKey, str] = {
        (d, s): c
        for d, s, c in Mark.objects.filter(
            school=school, pupil=pupil, date__gte=year_start, date__lte=year_end
        ).values_list("date", "session", "code_id")
    }
    held = {(s.date, s.session) for s in sessions}
    weeks = sorted({(s.week.monday, s.week.number) for s in sessions})
    past = {k: v for k, v in marks.items() if k in held and k[0] <= today}
    spells = holiday_spells(past, sorted(k for k in held if k[0] <= today))
    window = (
        (status.threshold_window_start, status.threshold_window_end)
        if status and status.threshold_window_start and status.threshold_window_end
        else None
    )
    case = Case.objects.filter(school=school, pupil=pupil).first()
    guardians = list(
        PupilGuardian.objects.filter(pupil=pupil).select_related("guardian").order_by("priority")
    )
    return PupilRecord(
        pupil=pupil,
        school=school,
        today=today,
        status=status,
        enrolments=enrolments,
        calendar=calendar_weeks(
            weeks=weeks,
            held=held,
            marks=marks,
            on_roll=[(e.admission_date, e.leaving_date) for e in enrolments],
            today=today,
        ),
        qualifying=[
            (d, h, CODES[c])
            for (d, h), c in sorted(past.items(), key=lambda i: (i[0][0], i[0][1] != "AM"))
            if c in THRESHOLD_CODES and window and window[0] <= d <= window[1]
        ],
        weekdays=weekday_absence(past),
        holiday_edges=holiday_adjacent_absence(past, next_to_holidays([s.date for s in sessions])),
        holidays=spells,
        holidays_under_threshold=holidays_kept_under_threshold(
            spells, met=bool(status and status.threshold_met_dates)
        ),
        guardians=guardians,
        siblings=_siblings(school, pupil, [g.guardian_id for g in guardians], other_schools),
        case=case,
        events=list(case.events.order_by("-at", "-id")) if case else [],
        duties=list(Duty.objects.filter(school=school, pupil=pupil).order_by("-due_on")[:50]),
        decisions=list(ThresholdDecision.objects.filter(school=school, pupil=pupil)),
        plans=list(SupportPlan.objects.filter(school=school, pupil=pupil)),
        contracts=list(AttendanceContract.objects.filter(school=school, pupil=pupil)),
        notes=list(PupilNote.objects.filter(school=school, pupil=pupil)),
    )


def _siblings(
    school: School, pupil: Pupil, guardian_ids: list[int], other_schools: Sequence[School]
) -> list[Sibling]:
    if not guardian_ids:
        return []
    elsewhere = [
        Sibling(s.pupil, s, s.school)
        for s in PupilStatus.objects.filter(
            school__in=[o for o in other_schools if o.pk != school.pk],
            pupil__guardian_links__guardian_id__in=guardian_ids,
        )
        .exclude(pupil=pupil)
        .select_related("pupil", "school")
        .distinct()
        .order_by("pupil__forename", "school__name")
    ]
    siblings = list(
        pupils_at(school)
        .filter(guardian_links__guardian_id__in=guardian_ids)
        .exclude(pk=pupil.pk)
        .order_by("forename")
    )
    statuses = {
        s.pupil_id: s
        for s in PupilStatus.objects.filter(school=school, pupil__in=[p.pk for p in siblings])
    }
    return [Sibling(p, statuses.get(p.pk)) for p in siblings] + elsewhere
