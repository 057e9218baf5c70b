"""The first-day calling list and its call log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from absences.models import AbsenceSettings, CallAttempt
from absences.selectors.calling import calling_list, unmatched_reports_today
from absences.services.calling import call_attempt_record, calling_time_set
from escalation.models import Duty, DutyKind, PupilStatus
from tests.absences.factories import MONDAY, AbsenceReportFactory
from tests.registers.factories import (
    GuardianFactory,
    MarkFactory,
    PupilFactory,
    PupilGuardianFactory,
)

pytestmark = pytest.mark.django_db
WED = MONDAY + dt.timedelta(days=2)


def _absent(school, pupil, day=WED, code="N", session="AM"):
    return MarkFactory(school=school, pupil=pupil, date=day, session=session, code_id=code)


def test_it_lists_pupils_marked_n_today_without_a_report_most_urgent_first(school) -> None:
    plain = PupilFactory(school=school, surname="Adams")
    worker = PupilFactory(school=school, surname="Zane", social_worker=True)
    repeat = PupilFactory(school=school, surname="Moss")
    reported = PupilFactory(school=school, surname="Reed")
    present = PupilFactory(school=school, surname="Here")
    for p in (plain, worker, repeat, reported):
        _absent(school, p)
    _absent(school, repeat, day=MONDAY)
    _absent(school, present, code="/")
    AbsenceReportFactory(school=school, pupil=reported, first_day=WED)
    rows = calling_list(school=school, today=WED)
    assert [r.pupil for r in rows] == [worker, repeat, plain]
    assert rows[0].reasons == ["has a social worker"]
    assert rows[1].priority.earlier_absences_this_week == 1


def test_a_low_attendance_rate_comes_before_a_high_one(school) -> None:
    high, low = PupilFactory(school=school, surname="A"), PupilFactory(school=school, surname="B")
    for p, rate in ((high, "98.0"), (low, "85.5")):
        _absent(school, p)
        PupilStatus.objects.create(
            school=school,
            pupil=p,
            as_of=WED,
            computed_at=timezone.now(),
            academic_year="2024/25",
            attendance_rate=rate,
        )
    assert [r.pupil for r in calling_list(school=school, today=WED)] == [low, high]


def test_contacts_come_in_contact_order_with_todays_calls_and_old_n_duties(school, office) -> None:
    pupil = PupilFactory(school=school)
    second, first = GuardianFactory(name="Second"), GuardianFactory(name="First")
    PupilGuardianFactory(pupil=pupil, guardian=second, priority=2)
    PupilGuardianFactory(pupil=pupil, guardian=first, priority=1)
    _absent(school, pupil)
    Duty.objects.create(
        kind=DutyKind.N_UNRESOLVED,
        school=school,
        pupil=pupil,
        key="2025-01-06 AM",
        due_on=MONDAY,
        raised_at=timezone.now(),
    )
    call_attempt_record(
        school=school,
        pupil=pupil,
        day=WED,
        guardian=first,
        outcome="no_answer",
        reason_given="",
        user=office,
    )
    [row] = calling_list(school=school, today=WED)
    assert [c.name for c in row.contacts] == ["First", "Second"]
    assert [a.outcome for a in row.attempts] == ["no_answer"] and row.attempts[
        0
    ].phone == first.phone
    assert row.overdue_n_duties == 1 and not row.resolved


def test_speaking_to_a_parent_needs_the_reason_and_resolves_the_row(school, office) -> None:
    pupil = PupilFactory(school=school)
    parent = GuardianFactory()
    PupilGuardianFactory(pupil=pupil, guardian=parent)
    _absent(school, pupil)
    with pytest.raises(ValidationError, match="reason"):
        call_attempt_record(
            school=school,
            pupil=pupil,
            day=WED,
            guardian=parent,
            outcome="spoke",
            reason_given="",
            user=office,
        )
    call_attempt_record(
        school=school,
        pupil=pupil,
        day=WED,
        guardian=parent,
        outcome="spoke",
        reason_given="Sick",
        user=office,
    )
    assert calling_list(school=school, today=WED)[0].resolved


def test_it_refuses_another_familys_contact_and_bad_outcomes(school, office) -> None:
    pupil = PupilFactory(school=school)
    stranger = GuardianFactory()
    with pytest.raises(ValidationError, match="not one of"):
        call_attempt_record(
            school=school,
            pupil=pupil,
            day=WED,
            guardian=stranger,
            outcome="no_answer",
            reason_given="",
            user=office,
        )
    with pytest.raises(ValidationError, match="outcome"):
        call_attempt_record(
            school=school,
            pupil=pupil,
            day=WED,
            guardian=None,
            outcome="shrug",
            reason_given="",
            user=office,
        )
    assert not CallAttempt.objects.exists()


def test_unmatched_reports_for_today_are_counted(school) -> None:
    AbsenceReportFactory(school=school, first_day=WED)
    AbsenceReportFactory(
        school=school, first_day=MONDAY, expected_return=MONDAY + dt.timedelta(days=7)
    )
    AbsenceReportFactory(school=school, first_day=MONDAY)  # that day only
    assert unmatched_reports_today(school=school, today=WED) == 2


def test_the_calling_time_is_a_morning_time(school) -> None:
    assert calling_time_set(school=school, calling_time=dt.time(9, 45)).calling_time == dt.time(
        9, 45
    )
    assert AbsenceSettings.objects.get(school=school).calling_time == dt.time(9, 45)
    with pytest.raises(ValidationError):
        calling_time_set(school=school, calling_time=dt.time(15, 0))
