"""Model validation and database constraints of the register."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registers.codes import CODE_TABLE
from registers.models import AttendanceCode, School
from tests.registers.factories import EnrolmentFactory, MarkFactory, SchoolFactory


def _school(**times: dt.time) -> School:
    return SchoolFactory.build(urn="123456", name="Times Primary", **times)


def test_it_accepts_registers_open_for_thirty_minutes() -> None:
    _school(am_opens=dt.time(8, 45), am_closes=dt.time(9, 15)).clean()


@pytest.mark.parametrize(
    ("times", "field"),
    [
        ({"am_opens": dt.time(8, 45), "am_closes": dt.time(9, 16)}, "am_closes"),
        ({"pm_opens": dt.time(13, 0), "pm_closes": dt.time(13, 45)}, "pm_closes"),
        ({"am_opens": dt.time(9, 0), "am_closes": dt.time(8, 50)}, "am_closes"),
        ({"am_opens": dt.time(9, 0), "am_closes": dt.time(9, 0)}, "am_closes"),
    ],
)
def test_it_refuses_a_register_open_too_long_or_closing_before_it_opens(
    times: dict[str, dt.time], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _school(**times).clean()
    assert field in caught.value.message_dict


def test_it_refuses_an_afternoon_register_before_the_morning_one_closes() -> None:
    school = _school(pm_opens=dt.time(9, 0), pm_closes=dt.time(9, 10))
    with pytest.raises(ValidationError) as caught:
        school.clean()
    assert "pm_opens" in caught.value.message_dict


@pytest.mark.django_db
def test_it_refuses_an_enrolment_leaving_before_admission() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(admission_date=dt.date(2024, 9, 3), leaving_date=dt.date(2024, 9, 2))


@pytest.mark.django_db
def test_it_accepts_an_enrolment_leaving_on_its_admission_day() -> None:
    EnrolmentFactory(admission_date=dt.date(2024, 9, 3), leaving_date=dt.date(2024, 9, 3))


@pytest.mark.django_db
def test_it_refuses_a_second_mark_for_one_session() -> None:
    mark = MarkFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MarkFactory(
            school=mark.school, pupil=mark.pupil, date=mark.date, session=mark.session, code_id="I"
        )


@pytest.mark.django_db
def test_it_keeps_am_and_pm_marks_of_one_day_apart() -> None:
    mark = MarkFactory(session="AM")
    MarkFactory(school=mark.school, pupil=mark.pupil, date=mark.date, session="PM", code_id="\\")


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["L", "U"])
def test_it_accepts_minutes_late_on_late_codes(code: str) -> None:
    assert MarkFactory(code_id=code, minutes_late=12).minutes_late == 12


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["/", "\\", "I", "O", "N"])
def test_it_refuses_minutes_late_on_other_codes(code: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MarkFactory(code_id=code, minutes_late=5)


@pytest.mark.django_db
def test_the_code_rows_equal_the_code_table_exactly() -> None:
    stored = list(
        AttendanceCode.objects.order_by("sort_order").values_list(
            "code", "meaning", "category", "group", "sort_order"
        )
    )
    expected = [
        (c.code, c.meaning, c.category.value, c.group.value, order)
        for order, c in enumerate(CODE_TABLE)
    ]
    assert stored == expected


@pytest.mark.django_db
def test_a_mark_factory_enrols_its_pupil_at_its_school() -> None:
    mark = MarkFactory()
    assert mark.pupil.enrolments.get().school == mark.school


@pytest.mark.django_db(transaction=True)
def test_the_code_table_survives_a_flush() -> None:
    from django.core.management import call_command

    call_command("flush", "--noinput", verbosity=0)

    assert AttendanceCode.objects.count() == len(CODE_TABLE)
