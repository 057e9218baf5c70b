"""bulk_preview and bulk_apply: one code over a range, for a pupil or a registration group."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registers.models import Mark, MarkChange, MarkSource, School, User
from registers.services.bulk import MAX_SCHOOL_DAYS, bulk_apply, bulk_preview
from registers.services.marks import MarkEntry, marks_write
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db
MON = dt.date(2025, 1, 13)
FRI = dt.date(2025, 1, 17)
BOTH = ("AM", "PM")


def _group(school: School, n: int, group: str = "4B", **enrolment: object) -> list:
    spell = {f"school__{k}": v for k, v in enrolment.items()}
    return PupilFactory.create_batch(n, school=school, school__registration_group=group, **spell)


def _preview(school: School, **kwargs: object):
    args: dict[str, object] = {
        "school": school,
        "code": "C",
        "start": MON,
        "end": FRI,
        "sessions": BOTH,
        "registration_group": "4B",
    }
    return bulk_preview(**{**args, **kwargs})


def test_the_preview_counts_marks_to_create_change_and_leave(school: School, teacher: User) -> None:
    pupils = _group(school, 3)
    marks_write(
        school=school,
        entries=[
            MarkEntry(pupils[0].id, MON, "AM", "N"),
            MarkEntry(pupils[1].id, MON, "AM", "C"),
        ],
        user=teacher,
        source=MarkSource.REGISTER,
    )

    plan = _preview(school)

    assert plan.ok
    assert (plan.created, plan.changed, plan.unchanged) == (28, 1, 1)
    assert (plan.pupils, plan.school_days) == (3, 5)
    assert Mark.objects.count() == 2  # a preview writes nothing


def test_apply_writes_every_session_with_source_bulk_and_the_reason(
    school: School, teacher: User, office: User
) -> None:
    pupils = _group(school, 2)
    marks_write(
        school=school,
        entries=[MarkEntry(pupils[0].id, MON, "AM", "N")],
        user=teacher,
        source=MarkSource.REGISTER,
    )

    result = bulk_apply(
        school=school,
        user=office,
        code="C",
        start=MON,
        end=FRI,
        sessions=BOTH,
        registration_group="4B",
        reason="Leave of absence granted",
    )

    assert (len(result.written.created), len(result.written.changed)) == (19, 1)
    assert set(Mark.objects.values_list("code_id", flat=True)) == {"C"}
    assert Mark.objects.filter(source=MarkSource.BULK).count() == 20
    change = MarkChange.objects.get()
    assert (change.previous_code_id, change.new_code_id) == ("N", "C")
    assert (change.source, change.reason) == (MarkSource.BULK, "Leave of absence granted")


def test_it_leaves_other_groups_alone(school: School, office: User) -> None:
    _group(school, 2)
    other = _group(school, 1, group="5C")

    bulk_apply(
        school=school,
        user=office,
        code="Y4",
        start=MON,
        end=MON,
        sessions=BOTH,
        registration_group="4B",
        reason="Emergency school closure",
    )

    assert Mark.objects.count() == 4
    assert not Mark.objects.filter(pupil=other[0]).exists()


def test_a_group_skips_and_reports_sessions_a_pupil_is_off_roll(school: School) -> None:
    _group(school, 1)
    _group(school, 1, leaving_date=dt.date(2025, 1, 14))
    _group(school, 1, admission_date=dt.date(2025, 1, 16))

    plan = _preview(school)

    assert plan.ok
    assert plan.created == 10 + 4 + 4
    off = sorted((o.first, o.last, o.sessions) for o in plan.off_roll)
    assert off == [(MON, dt.date(2025, 1, 15), 6), (dt.date(2025, 1, 15), FRI, 6)]


def test_apply_never_writes_off_roll_sessions(school: School, office: User) -> None:
    (leaver,) = _group(school, 1, leaving_date=dt.date(2025, 1, 14))

    bulk_apply(
        school=school,
        user=office,
        code="C",
        start=MON,
        end=FRI,
        sessions=BOTH,
        registration_group="4B",
        reason="x",
    )

    assert sorted(set(Mark.objects.values_list("date", flat=True))) == [MON, MON.replace(day=14)]


def test_one_pupil_outside_their_roll_dates_is_refused(school: School) -> None:
    pupil = PupilFactory(school=school, school__admission_date=dt.date(2025, 1, 15))

    plan = _preview(school, pupil=pupil, registration_group="")

    assert not plan.ok
    assert "not on roll for 4 of these sessions" in plan.refusals[0]
    assert "On roll: Wed 15 Jan 2025 to now" in plan.refusals[0]


def test_one_pupil_within_their_roll_dates(school: School) -> None:
    pupil = PupilFactory(school=school)
    _group(school, 2)

    plan = _preview(school, pupil=pupil, registration_group="", sessions=("AM",))

    assert plan.ok
    assert (plan.created, plan.pupils) == (5, 1)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "H"}, "not a 2024 attendance code"),
        ({"end": MON - dt.timedelta(days=1)}, "end date is before the start date"),
        ({"sessions": ()}, "Choose the morning, the afternoon or both"),
        ({"sessions": ("EV",)}, "Choose the morning, the afternoon or both"),
        ({"registration_group": ""}, "either one pupil or one registration group"),
        ({"code": "/", "sessions": ("PM",)}, "Code / is for AM sessions only"),
        ({"code": "\\", "sessions": BOTH}, "for PM sessions only"),
        (
            {"start": dt.date(2024, 10, 28), "end": dt.date(2024, 11, 1)},
            "has no AM and PM sessions",
        ),
        (
            {"start": dt.date(2025, 7, 21), "end": dt.date(2025, 7, 21), "sessions": ("PM",)},
            "no PM sessions",
        ),
        ({"registration_group": "9Z"}, "No pupils of registration group 9Z"),
    ],
)
def test_it_refuses_what_does_not_fit(school: School, changes: dict, message: str) -> None:
    _group(school, 1)

    plan = _preview(school, **changes)

    assert not plan.ok
    assert message in " ".join(plan.refusals)
    assert plan.entries == []


def test_it_refuses_a_range_over_the_maximum(school: School) -> None:
    _group(school, 1)

    plan = _preview(school, start=dt.date(2024, 9, 3), end=dt.date(2025, 3, 31))

    assert not plan.ok
    assert f"limited to {MAX_SCHOOL_DAYS}" in plan.refusals[0]


def test_a_range_over_half_term_counts_only_school_days(school: School) -> None:
    _group(school, 1)

    plan = _preview(school, start=dt.date(2024, 10, 21), end=dt.date(2024, 11, 8))

    assert plan.ok
    assert (plan.school_days, plan.created) == (10, 20)


def test_the_last_day_of_the_year_has_a_morning_only(school: School) -> None:
    _group(school, 1)

    plan = _preview(school, start=dt.date(2025, 7, 17), end=dt.date(2025, 7, 21))

    assert {(e.date, e.session) for e in plan.entries} >= {(dt.date(2025, 7, 21), "AM")}
    assert (dt.date(2025, 7, 21), "PM") not in {(e.date, e.session) for e in plan.entries}
    assert plan.created == 5


def test_apply_refuses_without_a_reason(school: School, office: User) -> None:
    _group(school, 1)

    with pytest.raises(ValidationError, match="reason"):
        bulk_apply(
            school=school,
            user=office,
            code="C",
            start=MON,
            end=FRI,
            sessions=BOTH,
            registration_group="4B",
            reason=" ",
        )

    assert not Mark.objects.exists()


def test_apply_refuses_what_the_preview_refuses(school: School, office: User) -> None:
    _group(school, 1)

    with pytest.raises(ValidationError, match="end date is before"):
        bulk_apply(
            school=school,
            user=office,
            code="C",
            start=FRI,
            end=MON,
            sessions=BOTH,
            registration_group="4B",
            reason="x",
        )


@pytest.mark.parametrize("size", [2, 25])
def test_the_preview_runs_a_constant_number_of_queries(school: School, size: int) -> None:
    _group(school, size)

    with CaptureQueriesContext(connection) as queries:
        plan = _preview(school)

    assert plan.created == size * 10
    assert len(queries) == 3
