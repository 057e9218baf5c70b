"""`pupil_delete_from_register`: only on a regulation 9 ground, never retrospectively,
ground (i) only after 20 school days of G/N/O and both checks (rules §5.2–5.4, S24)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from registers.deletion_rules import Confirmation, GroundIChecks
from registers.models import (
    Enrolment,
    Mark,
    MarkChange,
    RegisterDeletion,
    School,
    SchoolSession,
    User,
)
from registers.services.deletion import pupil_delete_from_register
from registers.services.marks import MarkEntry, marks_write
from tests.registers.factories import GuardianFactory, PupilFactory, PupilGuardianFactory

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
TODAY = D("2025-12-08")  # the Monday after S24's 20th school day (Fri 5 Dec 2025)
CONFIRMED = Confirmation(confirmed=True, by="Pat Head, headteacher", on=TODAY)
BOTH_CHECKS = GroundIChecks(no_sickness_grounds=CONFIRMED, enquiries_failed=CONFIRMED)


def absent(school: School, pupil, start: dt.date, end: dt.date, code: str = "O") -> None:
    """`code` for every session the school holds from start to end (rules §6.0 calendar)."""
    sessions = SchoolSession.objects.filter(school=school, date__gte=start, date__lte=end)
    Mark.objects.bulk_create(
        Mark(
            school=school,
            pupil=pupil,
            date=s.date,
            session=s.session,
            code_id=code,
            recorded_at=timezone.now(),
            source="register",
        )
        for s in sessions
    )


@pytest.fixture
def enrolment(school: School) -> Enrolment:
    pupil = PupilFactory(school=school, forename="Sam", surname="Missing", year_group="4")
    guardian = GuardianFactory(name="Alex Missing", phone="07700 900123")
    PupilGuardianFactory(pupil=pupil, guardian=guardian, relationship="Mother")
    return pupil.enrolments.get()


def delete(enrolment: Enrolment, user: User, **kwargs) -> RegisterDeletion:
    values = {
        "ground": "i",
        "deletion_date": TODAY,
        "today": TODAY,
        "checks": BOTH_CHECKS,
    }
    return pupil_delete_from_register(enrolment=enrolment, user=user, **{**values, **kwargs})


def test_it_deletes_on_ground_i_after_20_school_days(school, enrolment, head) -> None:
    absent(school, enrolment.pupil, D("2025-11-10"), D("2025-12-05"))  # S24

    deletion = delete(enrolment, head)

    enrolment.refresh_from_db()
    assert enrolment.leaving_date == TODAY
    assert (deletion.ground_met_on, deletion.absence_days) == (D("2025-12-05"), 20)
    assert deletion.absence_first_day == D("2025-11-10")
    assert deletion.no_sickness_grounds and deletion.enquiries_failed
    assert deletion.enquiries_failed_by == "Pat Head, headteacher"
    assert deletion.recorded_by_name == head.get_full_name()
    assert deletion.recorded_by_position == "Headteacher"


def test_it_keeps_every_mark_and_amendment(school, enrolment, head) -> None:
    absent(school, enrolment.pupil, D("2025-11-10"), D("2025-12-05"))
    marks_write(
        school=school,
        entries=[MarkEntry(enrolment.pupil_id, D("2025-11-10"), "AM", "G")],
        user=head,
        source="correction",
        reason="Holiday confirmed",
    )
    before = list(Mark.objects.order_by("id").values_list("id", "code"))

    delete(enrolment, head)

    assert list(Mark.objects.order_by("id").values_list("id", "code")) == before
    assert MarkChange.objects.count() == 1


def test_it_refuses_ground_i_without_the_checks(school, enrolment, head) -> None:
    absent(school, enrolment.pupil, D("2025-11-10"), D("2025-12-05"))

    with pytest.raises(ValidationError) as error:
        delete(enrolment, head, checks=GroundIChecks(no_sickness_grounds=CONFIRMED))

    assert set(error.value.message_dict) == {"enquiries_failed"}
    assert "could not find the pupil" in error.value.message_dict["enquiries_failed"][0]
    _assert_nothing_changed(enrolment)


def test_it_refuses_ground_i_after_19_school_days(school, enrolment, head) -> None:
    absent(school, enrolment.pupil, D("2025-11-11"), D("2025-12-05"))

    with pytest.raises(ValidationError) as error:
        delete(enrolment, head)

    assert "latest run is 19 school days" in error.value.message_dict["ground"][0]
    _assert_nothing_changed(enrolment)


def test_an_illness_morning_restarts_the_count(school, enrolment, head) -> None:
    absent(school, enrolment.pupil, D("2025-11-10"), D("2025-12-05"))
    Mark.objects.filter(date=D("2025-11-20"), session="AM").update(code_id="I")  # S24 variant

    with pytest.raises(ValidationError, match="latest run is 11 school days"):
        delete(enrolment, head)


def test_it_refuses_a_retrospective_deletion(enrolment, head) -> None:
    with pytest.raises(ValidationError) as error:
        delete(
            enrolment,
            head,
            ground="k",
            ground_met_on=D("2025-12-01"),
            deletion_date=D("2025-12-05"),
        )

    assert "retrospectively" in error.value.message_dict["deletion_date"][0]
    _assert_nothing_changed(enrolment)


def test_it_deletes_on_another_ground_with_the_date_it_was_met(enrolment, head) -> None:
    deletion = delete(
        enrolment,
        head,
        ground="a",
        ground_met_on=D("2025-12-01"),
        deletion_date=D("2025-12-10"),
        checks=None,
        future_school="Hatfield Juniors",
    )

    enrolment.refresh_from_db()
    assert enrolment.leaving_date == D("2025-12-10")
    assert (deletion.ground, deletion.ground_met_on) == ("a", D("2025-12-01"))
    assert deletion.absence_days is None and not deletion.no_sickness_grounds


def test_it_snapshots_the_deletion_return(enrolment, head) -> None:
    deletion = delete(enrolment, head, ground="k", ground_met_on=TODAY, checks=None)

    assert deletion.pupil_name == "Sam Missing"
    assert deletion.pupil_upn == enrolment.pupil.upn
    assert deletion.parents == [
        {
            "name": "Alex Missing",
            "relationship": "Mother",
            "address": "1 Church Road\nHatfield\nAL10 0AB",
            "phone": "07700 900123",
        }
    ]
    assert deletion.pupil_address == "1 Church Road\nHatfield\nAL10 0AB"
    assert deletion.return_due  # mid-year: the most-senior-class exemption cannot apply


def test_no_return_for_the_most_senior_class_at_the_end_of_the_year(school, head) -> None:
    pupil = PupilFactory(school=school, year_group="6")
    PupilFactory(school=school, year_group="5")
    enrolment = pupil.enrolments.get()

    deletion = delete(
        enrolment, head, ground="l", ground_met_on=D("2025-07-21"), deletion_date=D("2025-07-21"),
        today=D("2025-07-21"), checks=None,
    )  # fmt: skip

    assert not deletion.return_due
    assert "most senior class" in deletion.return_exemption


def test_it_refuses_a_second_deletion(enrolment, head) -> None:
    delete(enrolment, head, ground="k", ground_met_on=TODAY, deletion_date=D("2025-12-20"))

    with pytest.raises(ValidationError, match="already been deleted"):
        delete(enrolment, head, ground="k", ground_met_on=TODAY)


def test_it_is_atomic(enrolment, head, monkeypatch) -> None:
    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(RegisterDeletion.objects, "create", fail)

    with pytest.raises(RuntimeError):
        delete(enrolment, head, ground="k", ground_met_on=TODAY)

    _assert_nothing_changed(enrolment)


def _assert_nothing_changed(enrolment: Enrolment) -> None:
    enrolment.refresh_from_db()
    assert enrolment.leaving_date is None
    assert not RegisterDeletion.objects.exists()
