"""Submitting, accepting and dismissing parent reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from absences.models import AbsenceReport, ReportStatus
from absences.services.reports import (
    REPLACE_ALL,
    REPLACE_NONE,
    ReportFields,
    report_accept,
    report_dismiss,
    report_submit,
)
from registers.models import Mark, MarkChange, MarkSource
from tests.absences.factories import MONDAY, AbsenceReportFactory
from tests.registers.factories import MarkFactory, PupilFactory

pytestmark = pytest.mark.django_db


def _fields(**kw) -> ReportFields:
    base = {
        "child_name": "Amelia Hart",
        "child_date_of_birth": dt.date(2015, 5, 1),
        "child_class": "4B",
        "reporter_name": "Jo Hart",
        "reporter_relationship": "Mother",
        "reporter_phone": "07700 900123",
        "reporter_email": "jo@example.com",
        "reason": "illness",
        "details": "Temperature",
        "first_day": MONDAY,
        "expected_return": MONDAY + dt.timedelta(days=2),
        "part_of_day": "",
    }
    return ReportFields(**{**base, **kw})


def test_it_stores_the_report_with_a_reference_and_emails_a_confirmation(
    school, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report = report_submit(school=school, fields=_fields())
    assert report.reference.startswith("AB-") and len(report.reference) == 12
    assert report.status == ReportStatus.NEW and report.pupil is None
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert report.reference in sent.subject and report.reference in sent.body
    assert sent.to == ["jo@example.com"] and sent.alternatives


def test_it_sends_no_email_without_an_address(school, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(school=school, fields=_fields(reporter_email=""))
    assert mail.outbox == []


def test_it_refuses_a_return_before_the_first_day(school) -> None:
    with pytest.raises(ValidationError):
        report_submit(school=school, fields=_fields(expected_return=MONDAY))


def test_references_differ(school) -> None:
    refs = {report_submit(school=school, fields=_fields()).reference for _ in range(20)}
    assert len(refs) == 20


@pytest.fixture
def pupil(school):
    return PupilFactory(school=school, forename="Amelia", surname="Hart")


def test_accepting_illness_enters_i_for_every_reported_session(school, pupil, office) -> None:
    report = AbsenceReportFactory(school=school, expected_return=MONDAY + dt.timedelta(days=2))
    result = report_accept(report=report, pupil=pupil, user=office)
    marks = Mark.objects.filter(pupil=pupil).order_by("date", "session")
    assert [(m.date, m.session, m.code_id) for m in marks] == [
        (MONDAY, "AM", "I"),
        (MONDAY, "PM", "I"),
        (MONDAY + dt.timedelta(days=1), "AM", "I"),
        (MONDAY + dt.timedelta(days=1), "PM", "I"),
    ]
    assert all(m.source == MarkSource.PARENT_REPORT and m.recorded_by == office for m in marks)
    assert result.entered == 4 and result.kept == 0
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.pupil == pupil and report.code == "I"
    assert set(report.marks.all()) == set(marks)


def test_a_medical_appointment_in_the_afternoon_enters_m_for_that_session(
    school, pupil, office
) -> None:
    report = AbsenceReportFactory(school=school, reason="medical", part_of_day="PM")
    report_accept(report=report, pupil=pupil, user=office)
    assert list(Mark.objects.filter(pupil=pupil).values_list("session", "code_id")) == [("PM", "M")]


def test_other_needs_the_office_to_choose_a_code(school, pupil, office) -> None:
    report = AbsenceReportFactory(school=school, reason="other")
    with pytest.raises(ValidationError, match="Choose the code"):
        report_accept(report=report, pupil=pupil, user=office)
    report_accept(report=report, pupil=pupil, user=office, code="R")
    assert set(Mark.objects.filter(pupil=pupil).values_list("code_id", flat=True)) == {"R"}


@pytest.mark.parametrize("code", ["N", "/", "U", "D", "ZZ"])
def test_it_refuses_codes_a_report_cannot_support(school, pupil, office, code) -> None:
    report = AbsenceReportFactory(school=school, reason="other")
    with pytest.raises(ValidationError):
        report_accept(report=report, pupil=pupil, user=office, code=code)
    assert not Mark.objects.exists()


def test_n_marks_are_replaced_with_the_report_named_in_the_history(
    school, pupil, office, teacher
) -> None:
    MarkFactory(
        school=school, pupil=pupil, date=MONDAY, session="AM", code_id="N", recorded_by=teacher
    )
    MarkFactory(
        school=school, pupil=pupil, date=MONDAY, session="PM", code_id="/", recorded_by=teacher
    )
    report = AbsenceReportFactory(school=school)
    result = report_accept(report=report, pupil=pupil, user=office)
    assert result.entered == 1 and result.kept == 1
    change = MarkChange.objects.get()
    assert (change.previous_code_id, change.new_code_id) == ("N", "I")
    assert report.reference in change.reason and change.source == MarkSource.PARENT_REPORT
    assert Mark.objects.get(session="PM").code_id == "/"  # the teacher saw the child


def test_keep_leaves_every_teacher_mark_alone(school, pupil, office, teacher) -> None:
    MarkFactory(
        school=school, pupil=pupil, date=MONDAY, session="AM", code_id="N", recorded_by=teacher
    )
    report = AbsenceReportFactory(school=school)
    report_accept(report=report, pupil=pupil, user=office, replace=REPLACE_NONE)
    assert Mark.objects.get(session="AM").code_id == "N"
    assert Mark.objects.get(session="PM").code_id == "I"


def test_replace_all_overwrites_present_marks_when_the_office_chooses(
    school, pupil, office
) -> None:
    MarkFactory(school=school, pupil=pupil, date=MONDAY, session="PM", code_id="/")
    report_accept(
        report=AbsenceReportFactory(school=school), pupil=pupil, user=office, replace=REPLACE_ALL
    )
    assert Mark.objects.get(session="PM").code_id == "I"


def test_it_refuses_to_accept_twice(school, pupil, office) -> None:
    report = AbsenceReportFactory(school=school)
    report_accept(report=report, pupil=pupil, user=office)
    with pytest.raises(ValidationError, match="already"):
        report_accept(report=report, pupil=pupil, user=office)


def test_it_refuses_a_pupil_of_another_school(school, other_school, office) -> None:
    stranger = PupilFactory(school=other_school)
    with pytest.raises(ValidationError, match="not on roll"):
        report_accept(report=AbsenceReportFactory(school=school), pupil=stranger, user=office)
    assert AbsenceReport.objects.get().status == ReportStatus.NEW


def test_a_report_over_a_holiday_enters_nothing_and_is_still_dealt_with(
    school, pupil, office
) -> None:
    report = AbsenceReportFactory(school=school, first_day=dt.date(2024, 10, 28))  # half term
    result = report_accept(report=report, pupil=pupil, user=office)
    assert result.entered == 0 and not Mark.objects.exists()


def test_dismissing_needs_a_note(school, office) -> None:
    report = AbsenceReportFactory(school=school)
    with pytest.raises(ValidationError):
        report_dismiss(report=report, user=office, note="  ")
    report_dismiss(report=report, user=office, note="Duplicate of AB-XXXX")
    report.refresh_from_db()
    assert report.status == ReportStatus.DISMISSED and report.office_note == "Duplicate of AB-XXXX"
