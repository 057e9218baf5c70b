"""letter_generate: one frozen letter per guardian with parental responsibility."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from escalation.models import PupilStatus
from letters.models import Letter, LetterSettings, LetterStatus
from letters.services import letter_generate, letter_template_save
from registers.models import Pupil, School, User
from tests.letters.factories import AS_OF
from tests.registers.factories import GuardianFactory, PupilFactory, PupilGuardianFactory

pytestmark = pytest.mark.django_db


def _generate(school: School, pupil: Pupil, user: User, kind: str = "below_96_first", **kw):
    return letter_generate(
        school=school, pupil=pupil, kind=kind, as_at=AS_OF, created_by=user, **kw
    )


def test_it_writes_one_letter_per_parent_with_responsibility_to_their_own_address(
    letterhead: School, pupil: Pupil, lead: User
) -> None:
    letters = _generate(letterhead, pupil, lead)
    assert [letter.recipient_name for letter in letters] == ["Alex Example", "Chris Example"]
    assert letters[0].data["recipient"]["address_lines"] == [
        "1 Church Road",
        "Hatfield",
        "AL10 0AB",
    ]
    assert letters[1].data["recipient"]["address_lines"] == ["22 Mill Lane", "Welwyn", "AL6 9EE"]
    assert all(letter.status == LetterStatus.QUEUED for letter in letters)


def test_it_freezes_the_figures_names_and_wording(
    letterhead: School, pupil: Pupil, lead: User
) -> None:
    letter = _generate(letterhead, pupil, lead)[0]
    PupilStatus.objects.filter(pupil=pupil).update(attendance_rate="50.0", attended=115)
    pupil.forename = "Renamed"
    pupil.save()
    letter = Letter.objects.get(pk=letter.pk)
    fields = letter.data["fields"]
    assert fields["attendance_rate"] == "91.3"
    assert fields["sessions_missed"] == "20"
    assert fields["days_missed"] == "10"
    assert fields["figures_date"] == "14 March 2025"
    assert fields["pupil_name"] == "Sam Example"
    assert fields["staff_contact_name"] == lead.get_full_name()
    assert fields["signatory_name"] == "Pat Head"
    assert "Sam Example's attendance is 91.3%" in letter.data["body"]
    assert letter.template_version == 0 and letter.template is None
    assert letter.as_at == AS_OF


def test_it_sends_only_to_the_guardians_given(letterhead: School, pupil: Pupil, lead: User) -> None:
    father = pupil.guardian_links.get(priority=2).guardian
    letters = _generate(letterhead, pupil, lead, guardians=[father])
    assert [letter.guardian for letter in letters] == [father]


def test_it_refuses_a_parent_without_an_address(
    letterhead: School, pupil: Pupil, lead: User
) -> None:
    link = pupil.guardian_links.get(priority=2)
    link.guardian.address = ""
    link.guardian.save()
    with pytest.raises(ValidationError, match="Chris Example has no postal address"):
        _generate(letterhead, pupil, lead)
    assert not Letter.objects.exists()


def test_it_refuses_a_pupil_without_a_parent_with_responsibility(
    letterhead: School, lead: User
) -> None:
    orphan = PupilFactory(school=letterhead)
    PupilGuardianFactory(pupil=orphan, guardian=GuardianFactory(), parental_responsibility=False)
    with pytest.raises(ValidationError, match="no parent or carer with parental responsibility"):
        _generate(letterhead, orphan, lead)


def test_it_refuses_a_letter_whose_figures_are_missing(letterhead: School, lead: User) -> None:
    newcomer = PupilFactory(school=letterhead, forename="New")
    PupilGuardianFactory(pupil=newcomer)
    with pytest.raises(ValidationError, match="attendance_rate"):
        _generate(letterhead, newcomer, lead)


def test_it_refuses_a_threshold_warning_before_the_threshold_is_met(
    letterhead: School, pupil: Pupil, lead: User
) -> None:
    PupilStatus.objects.filter(pupil=pupil).update(
        threshold_met_dates=[], threshold_first_met_on=None, threshold_met_now=False
    )
    with pytest.raises(ValidationError, match="threshold_met_on"):
        _generate(letterhead, pupil, lead, kind="threshold_warning")


def test_it_refuses_an_unknown_kind(letterhead: School, pupil: Pupil, lead: User) -> None:
    with pytest.raises(ValidationError, match="Unknown kind"):
        _generate(letterhead, pupil, lead, kind="love_letter")


def test_it_needs_a_named_signatory(letterhead: School, pupil: Pupil, lead: User) -> None:
    letterhead.headteacher = ""
    letterhead.save()
    with pytest.raises(ValidationError, match="the signatory.s name"):
        _generate(letterhead, pupil, lead)


def test_it_uses_the_school_settings_for_names_and_lateness(
    letterhead: School, pupil: Pupil, lead: User
) -> None:
    LetterSettings.objects.create(
        school=letterhead,
        staff_contact_name="Jo Officer",
        staff_contact_position="Pupil and parent officer",
        signatory_name="Dr Lee",
        signatory_position="Head of school",
        lateness_limit=12,
        lateness_period="year",
    )
    fields = _generate(letterhead, pupil, lead, kind="lateness")[0].data["fields"]
    assert (fields["staff_contact_name"], fields["signatory_name"]) == ("Jo Officer", "Dr Lee")
    assert (fields["late_count"], fields["lateness_period"]) == ("16", "this school year")
    assert fields["lateness_limit"] == "12"


def test_it_records_the_template_version_used(letterhead: School, pupil: Pupil, lead: User) -> None:
    version = letter_template_save(
        school=letterhead,
        kind="below_96_first",
        subject="Attendance of {{ pupil_name }}",
        body="{{ pupil_forename }} attends {{ attendance_rate }}% of sessions.",
        user=lead,
    )
    letter = _generate(letterhead, pupil, lead)[0]
    assert (letter.template, letter.template_version) == (version, 1)
    assert letter.data["body"] == "Sam attends 91.3% of sessions."
    assert letter.data["subject"] == "Attendance of Sam Example"


def test_notice_to_improve_period_counts_school_weeks_not_holidays(
    letterhead: School, pupil: Pupil, lead: User
) -> None:
    # From Friday 14 March 2025: six school weeks, skipping the Easter holiday.
    fields = _generate(letterhead, pupil, lead, kind="notice_to_improve")[0].data["fields"]
    assert fields["improvement_start"] == "17 March 2025"
    assert fields["improvement_end"] == "9 May 2025"
    assert fields["improvement_weeks"] == "6"


def test_extra_values_win_over_defaults(letterhead: School, pupil: Pupil, lead: User) -> None:
    extra = {"meeting_arrangements": "on 20 March 2025 at 9:00 in the library", "junk": "x"}
    letter = _generate(letterhead, pupil, lead, kind="support_meeting_invite", extra=extra)[0]
    assert "meeting on 20 March 2025 at 9:00 in the library" in letter.data["body"]
    assert "junk" not in letter.data["fields"]


def test_it_queues_the_pdf_after_commit(
    letterhead: School, pupil: Pupil, lead: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        letters = _generate(letterhead, pupil, lead)
    assert len(callbacks) == 1
    for letter in letters:
        letter.refresh_from_db()
        assert letter.status == LetterStatus.READY and len(letter.sha256) == 64


def test_the_letter_is_dated_the_day_it_is_written(
    letterhead: School, pupil: Pupil, lead: User
) -> None:
    letter = _generate(letterhead, pupil, lead)[0]
    today = timezone.localdate()
    assert letter.letter_date == today
    assert letter.data["letter_date_text"] == f"{today.day} {today:%B %Y}"
