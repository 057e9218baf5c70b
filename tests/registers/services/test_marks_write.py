from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registers.models import Mark, MarkChange, MarkSource, School, User
from registers.services.marks import MarkEntry, marks_write
from tests.registers.factories import PupilFactory

MON = dt.date(2025, 1, 13)  # a term day of the §6.0 calendar
HALF_TERM = dt.date(2024, 10, 29)


def _entries(pupils, code="/", day=MON, session="AM"):
    return [MarkEntry(pupil_id=p.id, date=day, session=session, code=code) for p in pupils]


@pytest.mark.django_db
def test_it_creates_marks_without_audit_rows(school: School, teacher: User) -> None:
    pupils = PupilFactory.create_batch(3, school=school)

    result = marks_write(
        school=school, entries=_entries(pupils), user=teacher, source=MarkSource.REGISTER
    )

    assert len(result.created) == 3
    assert Mark.objects.filter(school=school, code_id="/", recorded_by=teacher).count() == 3
    assert not MarkChange.objects.exists()


@pytest.mark.django_db
def test_an_amendment_keeps_the_original_entry_and_who_changed_it(
    school: School, teacher: User, office: User
) -> None:
    pupil = PupilFactory(school=school)
    marks_write(school=school, entries=_entries([pupil], "N"), user=teacher, source="register")

    result = marks_write(
        school=school,
        entries=_entries([pupil], "I"),
        user=office,
        source=MarkSource.CORRECTION,
        reason="Parent provided GP appointment letter",
    )

    change = result.changed[0]
    change.refresh_from_db()
    assert (change.previous_code_id, change.new_code_id) == ("N", "I")
    assert change.reason == "Parent provided GP appointment letter"
    assert change.changed_by_name == office.get_full_name()
    assert change.changed_by_position == office.position
    assert change.previous_source == "register"
    assert change.previous_recorded_by_name == teacher.get_full_name()
    assert change.previous_recorded_by_position == teacher.position
    assert Mark.objects.get(pupil=pupil).code_id == "I"


@pytest.mark.django_db
def test_writing_the_same_code_again_changes_nothing(school: School, teacher: User) -> None:
    pupil = PupilFactory(school=school)
    marks_write(school=school, entries=_entries([pupil], "L"), user=teacher, source="register")

    result = marks_write(
        school=school, entries=_entries([pupil], "L"), user=teacher, source="register"
    )

    assert result.unchanged == 1
    assert not MarkChange.objects.exists()


@pytest.mark.django_db
def test_a_change_of_minutes_late_alone_is_audited(school: School, teacher: User) -> None:
    pupil = PupilFactory(school=school)
    entry = MarkEntry(pupil_id=pupil.id, date=MON, session="AM", code="L", minutes_late=5)
    marks_write(school=school, entries=[entry], user=teacher, source="register")

    later = MarkEntry(pupil_id=pupil.id, date=MON, session="AM", code="L", minutes_late=12)
    result = marks_write(school=school, entries=[later], user=teacher, source="register")

    assert (result.changed[0].previous_minutes_late, result.changed[0].new_minutes_late) == (5, 12)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("entry_kwargs", "message"),
    [
        ({"code": "J"}, "'J' is not a 2024 attendance code."),
        ({"code": "/", "minutes_late": 5}, "Minutes late can only be given with L or U."),
        ({"code": "L", "minutes_late": -1}, "Minutes late cannot be negative."),
        ({"code": "/", "session": "EV"}, "Session must be AM or PM"),
        ({"code": "/", "date": HALF_TERM}, "has no AM session on Tue 29 Oct 2024"),
        ({"code": "/", "date": dt.date(2023, 7, 3)}, "has no AM session"),
    ],
)
def test_it_refuses_a_bad_entry_and_writes_nothing(
    school: School, teacher: User, entry_kwargs: dict, message: str
) -> None:
    good, bad = PupilFactory.create_batch(2, school=school)
    entries = [
        MarkEntry(pupil_id=good.id, date=MON, session="AM", code="/"),
        MarkEntry(**{"pupil_id": bad.id, "date": MON, "session": "AM", **entry_kwargs}),
    ]

    with pytest.raises(ValidationError) as refused:
        marks_write(school=school, entries=entries, user=teacher, source="register")

    assert any(message in m for m in refused.value.messages)
    assert not Mark.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_pupil_not_on_roll_that_day(school: School, teacher: User) -> None:
    joiner = PupilFactory(school=school, school__admission_date=dt.date(2025, 1, 14))

    with pytest.raises(ValidationError, match="is not on roll on Mon 13 Jan 2025"):
        marks_write(school=school, entries=_entries([joiner]), user=teacher, source="register")


@pytest.mark.django_db
def test_it_refuses_a_pupil_of_another_school(
    school: School, other_school: School, teacher: User
) -> None:
    stranger = PupilFactory(school=other_school)

    with pytest.raises(ValidationError, match="is not on roll"):
        marks_write(school=school, entries=_entries([stranger]), user=teacher, source="register")


@pytest.mark.django_db
def test_it_refuses_the_same_session_twice(school: School, teacher: User) -> None:
    pupil = PupilFactory(school=school)

    with pytest.raises(ValidationError, match="more than once"):
        marks_write(
            school=school, entries=_entries([pupil, pupil]), user=teacher, source="register"
        )


def _queries(school: School, user: User, pupils, code: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        marks_write(school=school, entries=_entries(pupils, code), user=user, source="register")
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_class(school: School, teacher: User) -> None:
    small = PupilFactory.create_batch(3, school=school)
    large = PupilFactory.create_batch(30, school=school)

    assert _queries(school, teacher, small, "/") == _queries(school, teacher, large, "/")
    assert _queries(school, teacher, small, "N") == _queries(school, teacher, large, "N")


@pytest.mark.django_db
def test_listeners_hear_which_pupils_changed_once_committed(
    school: School, teacher: User, django_capture_on_commit_callbacks
) -> None:
    from registers.signals import marks_changed

    heard: list[dict] = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    marks_changed.connect(listener)
    try:
        changed, same = PupilFactory.create_batch(2, school=school)
        marks_write(school=school, entries=_entries([same]), user=teacher, source="register")
        with django_capture_on_commit_callbacks(execute=True):
            marks_write(
                school=school,
                entries=_entries([changed, same]),
                user=teacher,
                source=MarkSource.REGISTER,
            )
    finally:
        marks_changed.disconnect(listener)

    assert heard[-1]["pupil_ids"] == frozenset({changed.id})
    assert heard[-1]["dates"] == frozenset({MON})
    assert heard[-1]["school"] == school
