"""Reads of the absences app: the office's queues, suggested matches and sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Q, QuerySet

from absences import rules
from absences.models import (
    DEFAULT_CALLING_TIME,
    AbsenceReport,
    AbsenceSettings,
    LeaveRequest,
    ReportStatus,
)
from registers.models import Enrolment, Mark, Pupil, School, SchoolSession, User
from registers.permissions import Capability, schools_for

QUEUE_CAPABILITY = Capability.CORRECT_MARKS  # office, attendance lead, headteacher
DECIDE_CAPABILITY = Capability.MANAGE_CASES  # headteacher or their delegate (attendance lead)


def calling_time(school: School) -> dt.time:
    found = AbsenceSettings.objects.filter(school=school).values_list("calling_time", flat=True)
    return next(iter(found), DEFAULT_CALLING_TIME)


def pupils_on_roll(school: School, on: dt.date | None = None) -> QuerySet[Pupil]:
    """Pupils with an enrolment at `school` (on roll on `on`, if given)."""
    enrolments = Enrolment.objects.for_school(school)
    if on is not None:
        enrolments = enrolments.on_roll(on)
    return Pupil.objects.filter(pk__in=enrolments.values("pupil_id"))


def held_sessions(school: School, start: dt.date, end: dt.date) -> list[rules.Session]:
    return list(
        SchoolSession.objects.filter(school=school, date__gte=start, date__lte=end)
        .order_by("date", "session")
        .values_list("date", "session")
    )


def report_sessions(report: AbsenceReport) -> list[rules.Session]:
    last = (
        report.expected_return - dt.timedelta(days=1)
        if report.expected_return
        else report.first_day
    )
    return rules.reported_sessions(
        first_day=report.first_day,
        expected_return=report.expected_return,
        part_of_day=report.part_of_day,
        held=held_sessions(report.school, report.first_day, last),
    )


def on_roll_sessions(
    *, school: School, pupil: Pupil, sessions: Sequence[rules.Session]
) -> list[rules.Session]:
    spells = list(
        Enrolment.objects.filter(school=school, pupil=pupil).values_list(
            "admission_date", "leaving_date"
        )
    )
    return [
        (day, half)
        for day, half in sessions
        if any(start <= day and (end is None or day <= end) for start, end in spells)
    ]


def marked_codes(
    *, school: School, pupil: Pupil, sessions: Sequence[rules.Session]
) -> dict[rules.Session, str]:
    """The stored code of each of `sessions` that has a mark."""
    if not sessions:
        return {}
    wanted = set(sessions)
    rows = Mark.objects.filter(
        school=school,
        pupil=pupil,
        date__gte=min(d for d, _h in sessions),
        date__lte=max(d for d, _h in sessions),
    ).values_list("date", "session", "code_id")
    return {(d, h): code for d, h, code in rows if (d, h) in wanted}


def report_queue(school: School) -> QuerySet[AbsenceReport]:
    return (
        AbsenceReport.objects.filter(school=school)
        .waiting()
        .select_related("pupil")
        .order_by("submitted_at", "id")
    )


def report_recent(school: School, limit: int = 30) -> list[AbsenceReport]:
    return list(
        AbsenceReport.objects.filter(school=school)
        .exclude(status=ReportStatus.NEW)
        .select_related("pupil", "processed_by")
        .order_by("-processed_at", "-id")[:limit]
    )


def suggested_matches(report: AbsenceReport) -> list[tuple[int, rules.Candidate]]:
    """Pupils on roll who fit the report's name, date of birth and class, best first.

    One query narrows the roll to pupils sharing the date of birth, a surname word or
    the class; the pure rule scores them.
    """
    words = [w for w in report.child_name.replace("-", " ").split() if len(w) > 1]
    by_name = Q()
    for word in words:
        by_name |= Q(pupil__surname__icontains=word) | Q(pupil__forename__iexact=word)
    rows = (
        Enrolment.objects.for_school(report.school)
        .on_roll(report.first_day)
        .filter(
            by_name
            | Q(pupil__date_of_birth=report.child_date_of_birth)
            | Q(registration_group__iexact=report.child_class.strip())
        )
        .values_list(
            "pupil_id",
            "pupil__forename",
            "pupil__surname",
            "pupil__date_of_birth",
            "registration_group",
        )[:500]
    )
    return rules.best_matches(
        child_name=report.child_name,
        date_of_birth=report.child_date_of_birth,
        child_class=report.child_class,
        candidates=[rules.Candidate(*row) for row in rows],
    )


def waiting_counts(user: User) -> dict[str, int]:
    """Unprocessed reports by school URN, for the schools where `user` works the queue:
    one query."""
    if not user.is_authenticated:
        return {}
    rows = (
        AbsenceReport.objects.waiting()
        .filter(school__in=schools_for(user, QUEUE_CAPABILITY))
        .values("school__urn")
        .annotate(n=Count("id"))
        .values_list("school__urn", "n")
    )
    return dict(rows)


def leave_requests(school: School, status: str | None = None) -> QuerySet[LeaveRequest]:
    found = LeaveRequest.objects.filter(school=school).select_related("pupil", "requested_by")
    if status:
        found = found.filter(status=status)
    return found.order_by("-submitted_at", "-id")


def leave_sessions(leave: LeaveRequest) -> list[rules.Session]:
    return on_roll_sessions(
        school=leave.school,
        pupil=leave.pupil,
        sessions=held_sessions(leave.school, leave.start_date, leave.end_date),
    )
