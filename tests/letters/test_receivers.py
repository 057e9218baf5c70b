"""Letters written on other apps' decisions: accepted case steps and leave requests."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from absences.signals import leave_decided
from escalation.models import Case, CaseEvent
from escalation.services.cases import case_decide
from letters.models import Letter, LetterNotWritten
from letters.selectors import letters_not_written
from letters.services import letter_generate
from registers.models import Pupil, School, User
from tests.letters.conftest import stored_text

pytestmark = pytest.mark.django_db


def _propose(school: School, pupil: Pupil, action: str, stage: int) -> Case:
    return Case.objects.create(
        school=school, pupil=pupil, proposed_stage=stage, proposed_action=action,
        proposed_reasons=["test"], proposed_on=dt.date(2025, 3, 14),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("action", "stage", "kind"),
    [
        ("letter_1", 1, "below_96_first"),
        ("letter_2_and_support_meeting", 2, "below_96_second"),
        ("notice_to_improve", 4, "notice_to_improve"),
        ("penalty_notice_request", 4, "threshold_warning"),
    ],
)
def test_an_accepted_letter_step_writes_the_letter(
    letterhead: School, pupil: Pupil, lead: User, django_capture_on_commit_callbacks,
    action: str, stage: int, kind: str,
) -> None:  # fmt: skip
    case = _propose(letterhead, pupil, action, stage)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(case=case, decision="accept", user=lead, today=dt.date(2025, 3, 14))
    letters = Letter.objects.filter(case=case)
    assert sorted(letters.values_list("kind", flat=True)) == [kind, kind]
    assert {letter.created_by for letter in letters} == {lead}


def test_a_declined_step_or_a_meeting_writes_nothing(
    letterhead: School, pupil: Pupil, lead: User, django_capture_on_commit_callbacks
) -> None:
    case = _propose(letterhead, pupil, "letter_1", 1)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(case=case, decision="decline", user=lead, today=dt.date(2025, 3, 14), note="x")
    meeting = _propose(letterhead, Pupil.objects.create(
        upn="A919299901001", surname="M", forename="N", date_of_birth=dt.date(2015, 1, 1),
        year_group="4"), "formal_attendance_meeting", 3)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(case=meeting, decision="accept", user=lead, today=dt.date(2025, 3, 14))
    assert not Letter.objects.exists()


def test_a_letter_that_cannot_be_written_does_not_undo_the_decision(
    letterhead: School, pupil: Pupil, lead: User, django_capture_on_commit_callbacks, caplog
) -> None:
    pupil.guardian_links.update(parental_responsibility=False)
    case = _propose(letterhead, pupil, "letter_1", 1)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(case=case, decision="accept", user=lead, today=dt.date(2025, 3, 14))
    assert CaseEvent.objects.filter(case=case, kind="accepted").exists()
    assert "was not generated" in caplog.text
    (gap,) = LetterNotWritten.objects.all()
    assert (gap.school, gap.pupil, gap.kind) == (letterhead, pupil, "below_96_first")
    assert gap.occasion == "Case decision of 14 March 2025"
    assert "no parent or carer with parental responsibility" in gap.reason
    assert gap.resolved_by is None and gap.dismissed_at is None


def test_a_leave_outcome_that_cannot_be_written_is_recorded(
    letterhead: School, pupil: Pupil, head: User, django_capture_on_commit_callbacks
) -> None:
    father = pupil.guardian_links.get(priority=2).guardian
    father.address = ""
    father.save()
    request = SimpleNamespace(
        pk=8, school=letterhead, pupil=pupil, requested_by=father,
        start_date=dt.date(2025, 6, 2), end_date=dt.date(2025, 6, 6), school_days=5,
        reason="Family holiday", status="refused", decision_reason="Not exceptional.",
        decided_by_name="Pat Head", decided_on=dt.date(2025, 3, 14),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        leave_decided.send(sender=None, leave_request=request, decided_by=head)
    assert not Letter.objects.exists()
    (gap,) = LetterNotWritten.objects.all()
    assert gap.kind == "leave_outcome" and "has no postal address" in gap.reason
    assert gap.occasion == "Leave request decided on 14 March 2025"


def test_writing_the_letter_later_clears_what_was_not_written(
    letterhead: School, pupil: Pupil, lead: User, django_capture_on_commit_callbacks
) -> None:
    links = pupil.guardian_links.all()
    links.update(parental_responsibility=False)
    case = _propose(letterhead, pupil, "letter_1", 1)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(case=case, decision="accept", user=lead, today=dt.date(2025, 3, 14))
    links.update(parental_responsibility=True)  # the record is fixed

    (written, *_rest) = letter_generate(
        school=letterhead, pupil=pupil, kind="below_96_first", as_at=dt.date(2025, 3, 17),
        created_by=lead, queue_render=False,
    )  # fmt: skip

    assert LetterNotWritten.objects.get().resolved_by == written
    assert not letters_not_written(school=letterhead).exists()


def test_a_decided_leave_request_writes_the_outcome_to_the_parent_who_asked(
    letterhead: School, pupil: Pupil, head: User, django_capture_on_commit_callbacks
) -> None:
    father = pupil.guardian_links.get(priority=2).guardian
    request = SimpleNamespace(
        pk=7, school=letterhead, pupil=pupil, requested_by=father,
        start_date=dt.date(2025, 6, 2), end_date=dt.date(2025, 6, 6), school_days=5,
        reason="Family holiday", status="refused",
        decision_reason="A family holiday is not an exceptional circumstance.",
        decided_by_name="Pat Head", decided_on=dt.date(2025, 3, 14),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        leave_decided.send(sender=None, leave_request=request, decided_by=head)
    (letter,) = Letter.objects.all()
    assert letter.kind == "leave_outcome" and letter.guardian == father
    text = stored_text(letter)
    for expected in (
        "from 2 June 2025 to 6 June 2025",
        "(5 school days)",
        "has been refused",
        "not an exceptional circumstance",
        "Pat Head on 14 March 2025",
    ):
        assert expected in text
    assert letter.created_at <= timezone.now()
