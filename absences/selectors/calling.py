"""The first-day calling list: pupils marked N today whom no parent has explained."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from absences import rules
from absences.models import AbsenceReport, CallAttempt, ReportStatus
from escalation.models import Duty, DutyKind, PupilStatus
from registers.models import Enrolment, Mark, Pupil, PupilGuardian, School


@dataclass(frozen=True)
class Contact:
    guardian_id: int
    name: str
    relationship: str
    phone: str
    priority: int


@dataclass
class CallRow:
    pupil: Pupil
    group: str
    sessions: list[str]
    priority: rules.CallPriority
    reasons: list[str]
    contacts: list[Contact] = field(default_factory=list)
    attempts: list[CallAttempt] = field(default_factory=list)
    overdue_n_duties: int = 0

    @property
    def resolved(self) -> bool:
        return any(a.outcome in ("spoke", "arrived") for a in self.attempts)


def calling_list(*, school: School, today: dt.date) -> list[CallRow]:
    """Pupils with an N today and no report covering today, most urgent first.

    1. The N marks of today (a handful of rows), less pupils with a report the office
       has matched or that came from the portal for today (dismissed ones do not count).
    2. Their flags, status figures, N marks earlier this week, contacts in contact
       order, today's call log and open overdue N duties: one query each.
    3. Rank with the pure rule: safeguarding first, then repeated absence, then the
       lowest attendance rate.
    """
    n_today: dict[int, list[str]] = defaultdict(list)
    for pupil_id, half in (
        Mark.objects.filter(school=school, date=today, code_id=rules.UNEXPLAINED_CODE)
        .order_by("session")
        .values_list("pupil_id", "session")
    ):
        n_today[pupil_id].append(half)
    reported = set(
        AbsenceReport.objects.filter(
            Q(expected_return__gt=today) | Q(expected_return__isnull=True, first_day=today),
            school=school,
            pupil_id__in=n_today,
            first_day__lte=today,
        )
        .exclude(status=ReportStatus.DISMISSED)
        .values_list("pupil_id", flat=True)
    )
    ids = [p for p in n_today if p not in reported]
    if not ids:
        return []
    pupils = Pupil.objects.in_bulk(ids)
    groups = dict(
        Enrolment.objects.for_school(school)
        .on_roll(today)
        .filter(pupil_id__in=ids)
        .values_list("pupil_id", "registration_group")
    )
    statuses = {s.pupil_id: s for s in PupilStatus.objects.filter(school=school, pupil_id__in=ids)}
    monday = today - dt.timedelta(days=today.weekday())
    earlier: dict[int, int] = defaultdict(int)
    for pupil_id in Mark.objects.filter(
        school=school,
        pupil_id__in=ids,
        date__gte=monday,
        date__lt=today,
        code_id__in=("N", "O", "G"),
    ).values_list("pupil_id", flat=True):
        earlier[pupil_id] += 1
    rows: dict[int, CallRow] = {}
    for pupil_id in ids:
        pupil = pupils[pupil_id]
        status = statuses.get(pupil_id)
        priority = rules.CallPriority(
            social_worker=pupil.social_worker,
            cla=pupil.cla,
            persistent_absence=bool(status and status.persistent_absence),
            attendance_rate=str(status.attendance_rate)
            if status and status.attendance_rate is not None
            else None,
            earlier_absences_this_week=earlier[pupil_id],
        )
        rows[pupil_id] = CallRow(
            pupil=pupil,
            group=groups.get(pupil_id, ""),
            sessions=n_today[pupil_id],
            priority=priority,
            reasons=rules.call_reasons(priority),
        )
    for link in (
        PupilGuardian.objects.filter(pupil_id__in=ids)
        .select_related("guardian")
        .order_by("pupil_id", "priority", "id")
    ):
        rows[link.pupil_id].contacts.append(
            Contact(
                guardian_id=link.guardian_id,
                name=link.guardian.name,
                relationship=link.relationship,
                phone=link.guardian.phone,
                priority=link.priority,
            )
        )
    for attempt in CallAttempt.objects.filter(school=school, date=today, pupil_id__in=ids):
        rows[attempt.pupil_id].attempts.append(attempt)
    for pupil_id in (
        Duty.objects.open()
        .filter(school=school, kind=DutyKind.N_UNRESOLVED, pupil_id__in=ids, due_on__lt=today)
        .values_list("pupil_id", flat=True)
    ):
        rows[pupil_id].overdue_n_duties += 1
    return sorted(
        rows.values(),
        key=lambda r: (*rules.call_rank(r.priority), r.pupil.surname, r.pupil.forename),
    )


def unmatched_reports_today(*, school: School, today: dt.date) -> int:
    """Public reports for today still waiting to be matched (their child may be on the list)."""
    return (
        AbsenceReport.objects.waiting()
        .filter(school=school, pupil__isnull=True, first_day__lte=today)
        .filter(Q(expected_return__gt=today) | Q(expected_return__isnull=True, first_day=today))
        .count()
    )
