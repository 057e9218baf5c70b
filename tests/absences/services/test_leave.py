"""Leave requests: submitting, deciding (C pre-entered, leave_decided sent), G when taken."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from absences.models import LeaveRequest, LeaveStatus
from absences.services.leave import (
    Adult,
    leave_request_decide,
    leave_request_submit,
    leave_request_withdraw,
    leave_taken_mark,
)
from absences.signals import leave_decided
from registers.models import Mark, MarkChange
from tests.absences.factories import MONDAY
from tests.registers.factories import MarkFactory

pytestmark = pytest.mark.django_db

TODAY = MONDAY - dt.timedelta(days=14)
PDF = b"%PDF-1.4\n%%EOF\n"
ADULTS = [
    Adult("Jo Hart", "", True, True, True),
    Adult("Sam Hart", "2 Mill Lane", False, False, True),
]


def _submit(family, school, **kw):
    args = {
        "guardian": family.guardian,
        "pupil": family.children[0],
        "school": school,
        "start_date": MONDAY,
        "end_date": MONDAY + dt.timedelta(days=6),
        "reason": "Grandmother's funeral in Lagos",
        "adults": ADULTS,
        "signed_name": "Jo Hart",
        "declaration": True,
        "today": TODAY,
    }
    return leave_request_submit(**{**args, **kw})


def test_it_counts_school_days_from_the_calendar_and_keeps_every_adult(
    family, school, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        leave = _submit(family, school)
    assert leave.school_days == 5  # Mon–Fri; the weekend has no sessions
    assert leave.status == LeaveStatus.PENDING and leave.reference.startswith("LV-")
    assert [
        (a.name, a.lives_with, a.travelling, a.parental_responsibility) for a in leave.adults.all()
    ] == [
        ("Jo Hart", True, True, True),
        ("Sam Hart", False, False, True),
    ]
    assert len(mail.outbox) == 1 and leave.reference in mail.outbox[0].body


def test_days_over_half_term_are_not_school_days(family, school) -> None:
    leave = _submit(
        family,
        school,
        start_date=dt.date(2024, 10, 24),
        end_date=dt.date(2024, 11, 5),
        today=dt.date(2024, 10, 1),
    )
    assert leave.school_days == 4  # Thu 24, Fri 25 Oct; Mon 4, Tue 5 Nov


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start_date": TODAY - dt.timedelta(days=1)}, "before it starts"),
        ({"end_date": MONDAY - dt.timedelta(days=1)}, "on or after"),
        ({"adults": []}, "every adult"),
        ({"declaration": False}, "declaration"),
        ({"reason": "  "}, "reason"),
        ({"start_date": dt.date(2025, 1, 4), "end_date": dt.date(2025, 1, 5)}, "does not meet"),
    ],
)
def test_it_refuses_bad_requests(family, school, change, message) -> None:
    with pytest.raises(ValidationError, match=message):
        _submit(family, school, **change)
    assert not LeaveRequest.objects.exists()


def test_it_refuses_another_familys_child(family, other_family, school) -> None:
    with pytest.raises(ValidationError, match="own children"):
        _submit(family, school, pupil=other_family.children[0])


def test_evidence_is_checked_by_content_and_stored_under_a_safe_name(family, school) -> None:
    with pytest.raises(ValidationError, match="PDF, JPEG or PNG"):
        _submit(family, school, evidence=SimpleUploadedFile("x.pdf", b"<html>", "application/pdf"))
    leave = _submit(
        family, school, evidence=SimpleUploadedFile("../../etc/letter.pdf", PDF, "application/pdf")
    )
    assert leave.evidence.name.startswith("leave-evidence/") and leave.evidence.name.endswith(
        f"{leave.reference}.pdf"
    )
    assert leave.evidence.read() == PDF


def test_evidence_over_5_mb_is_refused(family, school) -> None:
    big = SimpleUploadedFile(
        "big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), "image/png"
    )
    with pytest.raises(ValidationError, match="5 MB"):
        _submit(family, school, evidence=big)


def test_granting_enters_c_for_the_sessions_and_announces_the_decision(
    family, school, head, django_capture_on_commit_callbacks
) -> None:
    leave = _submit(family, school)
    pupil = family.children[0]
    MarkFactory(school=school, pupil=pupil, date=MONDAY, session="AM", code_id="N")
    MarkFactory(school=school, pupil=pupil, date=MONDAY, session="PM", code_id="/")
    heard = []
    leave_decided.connect(lambda **kw: heard.append(kw), weak=False, dispatch_uid="test-leave")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            leave_request_decide(
                leave_request=leave, user=head, granted=True, reason="Exceptional", today=TODAY
            )
    finally:
        leave_decided.disconnect(dispatch_uid="test-leave")
    leave.refresh_from_db()
    assert leave.status == LeaveStatus.GRANTED and leave.decided_on == TODAY
    assert leave.decided_by_name == head.get_full_name() and leave.decision_reason == "Exceptional"
    assert Mark.objects.filter(pupil=pupil, code_id="C").count() == 9  # N replaced, / kept
    assert Mark.objects.get(pupil=pupil, date=MONDAY, session="PM").code_id == "/"
    assert leave.reference in MarkChange.objects.get().reason
    assert len(heard) == 1 and heard[0]["leave_request"].pk == leave.pk
    assert heard[0]["decided_by"] == head


def test_refusing_enters_nothing_until_taken(family, school, head, office) -> None:
    leave = _submit(family, school)
    leave_request_decide(
        leave_request=leave, user=head, granted=False, reason="Not exceptional", today=TODAY
    )
    assert not Mark.objects.exists()
    with pytest.raises(ValidationError, match="not started"):
        leave_taken_mark(leave_request=leave, user=office, today=TODAY)
    pupil = family.children[0]
    MarkFactory(school=school, pupil=pupil, date=MONDAY, session="AM", code_id="N")
    MarkFactory(school=school, pupil=pupil, date=MONDAY, session="PM", code_id="/")
    entered = leave_taken_mark(
        leave_request=leave, user=office, today=MONDAY + dt.timedelta(days=2)
    )
    assert entered == 5  # Mon AM (N), Tue, Wed; Mon PM present kept; Thu–Fri still ahead
    assert Mark.objects.filter(pupil=pupil, code_id="G").count() == 5
    assert Mark.objects.get(date=MONDAY, session="PM").code_id == "/"


def test_a_decision_is_made_once(family, school, head) -> None:
    leave = _submit(family, school)
    leave_request_decide(leave_request=leave, user=head, granted=False, reason="No", today=TODAY)
    with pytest.raises(ValidationError, match="already"):
        leave_request_decide(
            leave_request=leave, user=head, granted=True, reason="Yes", today=TODAY
        )


def test_a_decision_needs_a_reason(family, school, head) -> None:
    with pytest.raises(ValidationError, match="reason"):
        leave_request_decide(
            leave_request=_submit(family, school), user=head, granted=True, reason="", today=TODAY
        )


def test_only_granted_is_never_marked_g(family, school, head, office) -> None:
    leave = _submit(family, school)
    with pytest.raises(ValidationError, match="Only refused"):
        leave_taken_mark(leave_request=leave, user=office, today=MONDAY)


def test_the_parent_who_asked_can_withdraw_while_pending(
    family, other_family, school, head
) -> None:
    leave = _submit(family, school)
    with pytest.raises(ValidationError):
        leave_request_withdraw(leave_request=leave, guardian=other_family.guardian)
    leave_request_withdraw(leave_request=leave, guardian=family.guardian)
    leave.refresh_from_db()
    assert leave.status == LeaveStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        leave_request_decide(leave_request=leave, user=head, granted=True, reason="x", today=TODAY)
