"""The deletion pages: only the headteacher (MANAGE_SCHOOL) of the pupil's school; ground
(i) shows the day count and what is missing; errors are named; the return is shown after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registers.models import Enrolment, RegisterDeletion, Role, School, User
from tests.registers.factories import GuardianFactory, PupilFactory, PupilGuardianFactory
from tests.registers.services.test_deletion import absent

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
TODAY = D("2025-12-08")


@pytest.fixture(autouse=True)
def on_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    return TODAY


@pytest.fixture
def enrolment(school: School) -> Enrolment:
    pupil = PupilFactory(school=school, forename="Sam", surname="Missing")
    PupilGuardianFactory(pupil=pupil, guardian=GuardianFactory(name="Alex Missing"))
    absent(school, pupil, D("2025-11-10"), D("2025-12-05"))  # S24: 20 school days
    return pupil.enrolments.get()


def _url(enrolment: Enrolment) -> str:
    return reverse(
        "register_delete", kwargs={"urn": enrolment.school.urn, "pupil_id": enrolment.pupil_id}
    )


GROUND_I = {
    "ground": "i",
    "deletion_date": "2025-12-08",
    "no_sickness_grounds": "on",
    "no_sickness_grounds_by": "Pat Head, headteacher",
    "no_sickness_grounds_on": "2025-12-08",
    "enquiries_failed": "on",
    "enquiries_failed_by": "Jo Officer, Hertfordshire CME",
    "enquiries_failed_on": "2025-12-08",
}


def test_the_head_sees_the_count_and_the_missing_checks(
    client: Client, head: User, enrolment: Enrolment
) -> None:
    client.force_login(head)
    response = client.get(_url(enrolment))

    body = response.content.decode()
    assert response.status_code == 200
    assert "20 school days" in body and "Friday 5 December 2025" in body
    assert "Record that the school has no reasonable grounds" in body
    assert "jointly made reasonable enquiries" in body
    assert "<script" not in body.split("</header>", 1)[-1].split("<footer", 1)[0]


def test_the_head_deletes_on_ground_i_and_sees_the_return(
    client: Client, head: User, enrolment: Enrolment
) -> None:
    client.force_login(head)
    response = client.post(_url(enrolment), GROUND_I, follow=True)

    deletion = RegisterDeletion.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "register_deletion_return",
        kwargs={"urn": enrolment.school.urn, "pupil_id": enrolment.pupil_id, "pk": deletion.pk},
    )
    body = response.content.decode()
    assert "A deletion return is due" in body and "Alex Missing" in body
    assert "Jo Officer, Hertfordshire CME" in body
    enrolment.refresh_from_db()
    assert enrolment.leaving_date == TODAY


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**GROUND_I, "enquiries_failed": ""}, "could not find the pupil"),
        ({**GROUND_I, "deletion_date": "2025-12-05"}, "cannot be deleted retrospectively"),
        ({**GROUND_I, "deletion_date": "2025-13-45"}, "Enter a date, for example"),
        ({**GROUND_I, "ground": ""}, "Choose the ground"),
        ({"ground": "k", "deletion_date": "2025-12-08"}, "Give the date the ground was met"),
        ({**GROUND_I, "no_sickness_grounds_by": ""}, "Say who confirmed"),
    ],
)
def test_bad_input_gives_a_clear_error(
    client: Client, head: User, enrolment: Enrolment, data: dict, message: str
) -> None:
    client.force_login(head)
    response = client.post(_url(enrolment), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RegisterDeletion.objects.exists()


@pytest.mark.parametrize("role", [Role.TEACHER, Role.OFFICE, Role.ATTENDANCE_LEAD, Role.GOVERNOR])
def test_other_roles_get_404(
    client: Client, personas: dict[Role, User], enrolment: Enrolment, role: Role
) -> None:
    client.force_login(personas[role])

    assert client.get(_url(enrolment)).status_code == 404
    assert client.post(_url(enrolment), GROUND_I).status_code == 404
    assert not RegisterDeletion.objects.exists()


def test_another_schools_head_gets_404(
    client: Client, outsider: User, enrolment: Enrolment
) -> None:
    client.force_login(outsider)

    assert client.get(_url(enrolment)).status_code == 404


def test_a_pupil_of_another_school_is_404(
    client: Client, head: User, school: School, other_school: School
) -> None:
    elsewhere = PupilFactory(school=other_school)
    client.force_login(head)
    url = reverse("register_delete", kwargs={"urn": school.urn, "pupil_id": elsewhere.pk})

    assert client.get(url).status_code == 404


def test_a_pupil_already_deleted_is_404(client: Client, head: User, enrolment: Enrolment) -> None:
    client.force_login(head)
    client.post(_url(enrolment), GROUND_I)

    assert client.get(_url(enrolment)).status_code == 404


def test_the_list_finds_a_pupil_and_shows_deletions(
    client: Client, head: User, enrolment: Enrolment
) -> None:
    client.force_login(head)
    client.post(
        _url(enrolment),
        {"ground": "k", "deletion_date": "2025-12-09", "ground_met_on": "2025-12-06"},
    )
    PupilFactory(school=enrolment.school, surname="Onroll")
    url = reverse("register_deletions", kwargs={"urn": enrolment.school.urn})

    body = client.get(url, {"q": "onroll"}).content.decode()

    assert "Delete" in body and "Onroll" in body
    assert "Sam Missing" in body and "Regulation 9(1)(k)" in body


def test_the_list_is_for_the_head_only(client: Client, personas: dict[Role, User], school) -> None:
    client.force_login(personas[Role.OFFICE])

    assert client.get(reverse("register_deletions", kwargs={"urn": school.urn})).status_code == 404
