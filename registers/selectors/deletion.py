"""Reads for deleting a name from the admission register (rules §5.2–5.4)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q, QuerySet

from registers import deletion_rules, rules
from registers.models import Enrolment, Mark, PupilGuardian, RegisterDeletion, School
from registers.models import SchoolSession as SessionRow


def absence_run_for(*, enrolment: Enrolment, through: dt.date) -> deletion_rules.AbsenceRun:
    """The pupil's latest run of G/N/O school days at the enrolment's school (two queries)."""
    start = enrolment.admission_date
    halves: dict[dt.date, set[rules.Half]] = defaultdict(set)
    for day, session in SessionRow.objects.filter(
        school_id=enrolment.school_id, date__gte=start, date__lte=through
    ).values_list("date", "session"):
        halves[day].add(rules.Half[session])
    codes = {
        (day, rules.Half[session]): code
        for day, session, code in Mark.objects.filter(
            school_id=enrolment.school_id,
            pupil_id=enrolment.pupil_id,
            date__gte=start,
            date__lte=through,
        ).values_list("date", "session", "code_id")
    }
    days = [(d, frozenset(h)) for d, h in sorted(halves.items())]
    return deletion_rules.absence_run(school_days=days, codes=codes, through=through)


def parents_lived_with(enrolment: Enrolment) -> list[dict[str, str]]:
    """Each parent the pupil normally lives with, as the deletion return lists them."""
    links = PupilGuardian.objects.filter(pupil_id=enrolment.pupil_id, lives_with=True)
    return [
        {
            "name": link.guardian.name,
            "relationship": link.relationship,
            "address": "\n".join(p for p in (link.guardian.address, link.guardian.postcode) if p),
            "phone": link.guardian.phone,
        }
        for link in links.select_related("guardian").order_by("priority", "id")
    ]


def senior_year_on(*, school: School, day: dt.date) -> str | None:
    """The most senior year group on roll at `school` on `day` (rules §5.2 exemption)."""
    years = (
        Enrolment.objects.for_school(school)
        .on_roll(day)
        .values_list("pupil__year_group", flat=True)
        .distinct()
    )
    return deletion_rules.most_senior_year(list(years))


def last_school_day_of_year(*, school: School, day: dt.date) -> dt.date | None:
    """The last day the school meets in the academic year containing `day`, if known."""
    start, end, _label = rules.academic_year(day)
    return (
        SessionRow.objects.filter(school=school, date__gte=start, date__lte=end)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )


def deletable_enrolment(*, school: School, pupil_id: int, today: dt.date) -> Enrolment | None:
    """The pupil's enrolment at `school` still on roll today or later, not yet deleted."""
    return (
        Enrolment.objects.for_school(school)
        .filter(pupil_id=pupil_id, register_deletion__isnull=True)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today))
        .select_related("pupil", "school")
        .order_by("-admission_date")
        .first()
    )


def deletions_for(school: School) -> QuerySet[RegisterDeletion]:
    return RegisterDeletion.objects.filter(enrolment__school=school).select_related(
        "enrolment__pupil"
    )


def pupils_on_roll(*, school: School, today: dt.date, term: str) -> QuerySet[Enrolment]:
    """Enrolments on roll today or later whose pupil's name or UPN matches `term`."""
    found = (
        Enrolment.objects.for_school(school)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today))
        .filter(register_deletion__isnull=True)
        .select_related("pupil")
        .order_by("pupil__surname", "pupil__forename")
    )
    if term:
        found = found.filter(
            Q(pupil__surname__icontains=term)
            | Q(pupil__forename__icontains=term)
            | Q(pupil__upn=term.upper())
        )
    return found
