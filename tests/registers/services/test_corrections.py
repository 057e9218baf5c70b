"""mark_correct: one session's mark recorded or amended, always with a reason (rules §5.10)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from registers.models import Mark, MarkChange, MarkSource, School, User
from registers.services.corrections import mark_correct
from registers.services.marks import MarkEntry, marks_write
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db
MON = dt.date(2025, 1, 13)
HALF_TERM = dt.date(2024, 10, 29)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def test_scenario_s26_keeps_the_original_entry_and_the_amender(
    school: School, teacher: User, office: User
) -> None:
    pupil = PupilFactory(school=school)
    marks_write(
        school=school,
        entries=[MarkEntry(pupil.id, MON, "AM", "N")],
        user=teacher,
        source=MarkSource.REGISTER,
        now=_at(MON, 8, 50),
    )

    mark_correct(
        school=school,
        pupil=pupil,
        day=MON,
        session="AM",
        code="I",
        reason="Parent provided GP appointment letter",
        user=office,
        now=_at(dt.date(2025, 1, 20), 10),
    )

    change = MarkChange.objects.get()
    assert (change.previous_code_id, change.new_code_id) == ("N", "I")
    assert change.previous_recorded_at == _at(MON, 8, 50)
    assert change.previous_source == MarkSource.REGISTER
    assert change.changed_at.date() == dt.date(2025, 1, 20)
    assert change.changed_by_name == office.get_full_name()
    assert change.changed_by_position == "Office staff"
    assert change.reason == "Parent provided GP appointment letter"
    assert change.source == MarkSource.CORRECTION
    assert Mark.objects.get().code_id == "I"


def test_it_records_a_session_with_no_mark_yet(school: School, office: User) -> None:
    pupil = PupilFactory(school=school)

    result = mark_correct(
        school=school, pupil=pupil, day=MON, session="PM", code="M", reason="Dentist", user=office
    )

    assert len(result.created) == 1
    mark = Mark.objects.get()
    assert (mark.code_id, mark.source, mark.recorded_by) == ("M", MarkSource.CORRECTION, office)
    assert not MarkChange.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_a_correction_without_a_reason(
    school: School, office: User, reason: str
) -> None:
    pupil = PupilFactory(school=school)

    with pytest.raises(ValidationError) as exc:
        mark_correct(
            school=school, pupil=pupil, day=MON, session="AM", code="I", reason=reason, user=office
        )

    assert "reason" in exc.value.message_dict
    assert not Mark.objects.exists()


def test_it_refuses_a_session_the_school_does_not_meet(school: School, office: User) -> None:
    pupil = PupilFactory(school=school)

    with pytest.raises(ValidationError, match="no AM session"):
        mark_correct(
            school=school,
            pupil=pupil,
            day=HALF_TERM,
            session="AM",
            code="I",
            reason="x",
            user=office,
        )


def test_it_refuses_an_unknown_code(school: School, office: User) -> None:
    pupil = PupilFactory(school=school)

    with pytest.raises(ValidationError, match="not a 2024 attendance code"):
        mark_correct(
            school=school, pupil=pupil, day=MON, session="AM", code="H", reason="x", user=office
        )


def test_it_refuses_a_pupil_off_roll(school: School, office: User) -> None:
    pupil = PupilFactory(school=school, school__admission_date=dt.date(2025, 2, 24))

    with pytest.raises(ValidationError, match="not on roll"):
        mark_correct(
            school=school, pupil=pupil, day=MON, session="AM", code="I", reason="x", user=office
        )


def test_minutes_late_are_kept_and_audited(school: School, teacher: User, office: User) -> None:
    pupil = PupilFactory(school=school)
    marks_write(
        school=school,
        entries=[MarkEntry(pupil.id, MON, "AM", "L", 5)],
        user=teacher,
        source=MarkSource.REGISTER,
    )

    mark_correct(
        school=school,
        pupil=pupil,
        day=MON,
        session="AM",
        code="U",
        minutes_late=40,
        reason="Arrival time corrected",
        user=office,
    )

    change = MarkChange.objects.get()
    assert (change.previous_minutes_late, change.new_minutes_late) == (5, 40)
