"""What a parent sees: their children, each child's year in figures, weeks and requests.

Every read starts from the signed-in guardian's own links (`PupilGuardian`), so a child
who is not theirs is never found: the views turn that into a 404.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.http import Http404

from absences.models import AbsenceReport, LeaveRequest
from escalation.models import PupilStatus
from registers import rules
from registers.codes import CODES
from registers.models import Enrolment, Guardian, Mark, Pupil, PupilGuardian, School


@dataclass(frozen=True)
class Child:
    pupil: Pupil
    school: School
    group: str
    relationship: str


def children_of(guardian: Guardian, today: dt.date) -> list[Child]:
    """The guardian's children with their current school (the latest enrolment on roll)."""
    links = {
        link.pupil_id: link
        for link in PupilGuardian.objects.filter(guardian=guardian).select_related("pupil")
    }
    enrolments = (
        Enrolment.objects.filter(pupil_id__in=links)
        .on_roll(today)
        .select_related("school")
        .order_by("pupil_id", "-admission_date")
    )
    found: dict[int, Child] = {}
    for e in enrolments:
        if e.pupil_id not in found:
            link = links[e.pupil_id]
            found[e.pupil_id] = Child(link.pupil, e.school, e.registration_group, link.relationship)
    return sorted(found.values(), key=lambda c: (c.pupil.forename, c.pupil.surname))


def child_of(guardian: Guardian, pupil_id: int, today: dt.date) -> Child:
    """One of the guardian's children, else 404 (whether or not the pupil exists)."""
    for child in children_of(guardian, today):
        if child.pupil.pk == pupil_id:
            return child
    raise Http404("No such child")


@dataclass(frozen=True)
class DayMarks:
    day: dt.date
    am: str | None
    pm: str | None


@dataclass(frozen=True)
class WeekMarks:
    monday: dt.date
    days: list[DayMarks]
    rate: str | None  # attendance rate of the week's possible sessions


@dataclass(frozen=True)
class Meaning:
    code: str
    meaning: str


@dataclass(frozen=True)
class Attendance:
    status: PupilStatus | None
    possible: int
    attended: int
    authorised: int
    unauthorised: int
    rate: str | None
    weeks: list[WeekMarks]
    meanings: list[Meaning]


def attendance_of(*, child: Child, today: dt.date) -> Attendance:
    """The year so far: figures (the engine's stored status when there is one, else counted
    from the marks with the same rules), weekly rates and every mark by week."""
    start, _end, _label = rules.academic_year(today)
    marks = list(
        Mark.objects.filter(
            school=child.school, pupil=child.pupil, date__gte=start, date__lte=today
        ).values_list("date", "session", "code_id")
    )
    by_day: dict[dt.date, dict[str, str]] = defaultdict(dict)
    for day, half, code in marks:
        by_day[day][half] = code
    weeks: dict[dt.date, list[DayMarks]] = defaultdict(list)
    for day in sorted(by_day):
        weeks[rules.week_monday(day)].append(
            DayMarks(day, by_day[day].get("AM"), by_day[day].get("PM"))
        )
    week_rows = []
    for monday, days in sorted(weeks.items(), reverse=True):
        counts = rules.count_codes(c for d in days for c in (d.am, d.pm) if c)
        week_rows.append(
            WeekMarks(
                monday,
                days,
                rules.attendance_rate(attended=counts.attended, possible=counts.possible),
            )
        )
    counts = rules.count_codes(code for _d, _h, code in marks)
    status = PupilStatus.objects.filter(school=child.school, pupil=child.pupil).first()
    used = sorted({code for _d, _h, code in marks}, key=list(CODES).index)
    if status is not None and status.as_of >= start:
        figures = (status.possible, status.attended, status.authorised, status.unauthorised)
        rate = None if status.attendance_rate is None else str(status.attendance_rate)
    else:
        figures = (counts.possible, counts.attended, counts.authorised, counts.unauthorised)
        rate = rules.attendance_rate(attended=counts.attended, possible=counts.possible)
    return Attendance(
        status,
        *figures,
        rate=rate,
        weeks=week_rows,
        meanings=[Meaning(c, CODES[c].meaning) for c in used],
    )


def leave_of(*, guardian: Guardian, child: Child) -> list[LeaveRequest]:
    return list(
        LeaveRequest.objects.filter(pupil=child.pupil, school=child.school)
        .filter(pupil__guardian_links__guardian=guardian)
        .order_by("-submitted_at")
    )


def reports_of(*, guardian: Guardian, child: Child) -> list[AbsenceReport]:
    return list(
        AbsenceReport.objects.filter(pupil=child.pupil, school=child.school)
        .filter(pupil__guardian_links__guardian=guardian)
        .order_by("-submitted_at")[:20]
    )


def leave_for_guardian(*, guardian: Guardian, leave_id: int) -> LeaveRequest:
    """A leave request about one of the guardian's children, else 404."""
    found = (
        LeaveRequest.objects.filter(pk=leave_id, pupil__guardian_links__guardian=guardian)
        .select_related("pupil", "school", "requested_by")
        .first()
    )
    if found is None:
        raise Http404("No such request")
    return found
