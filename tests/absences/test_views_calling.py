"""First-day calls: who may use the list, logging a call, the calling time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from absences.models import AbsenceSettings, CallAttempt
from registers.models import Role
from tests.absences.factories import AbsenceReportFactory
from tests.registers.factories import (
    GuardianFactory,
    MarkFactory,
    PupilFactory,
    PupilGuardianFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def absent(school):
    pupil = PupilFactory(school=school, forename="Nia", surname="Absent", social_worker=True)
    parent = GuardianFactory(name="Pat Absent", phone="07700 900555")
    PupilGuardianFactory(pupil=pupil, guardian=parent, relationship="Father")
    MarkFactory(school=school, pupil=pupil, date=timezone.localdate(), session="AM", code_id="N")
    return pupil, parent


def _url(school, name="absences_calling", **kw) -> str:
    return reverse(name, kwargs={"urn": school.urn, **kw})


@pytest.mark.parametrize("role", [Role.OFFICE, Role.ATTENDANCE_LEAD, Role.HEADTEACHER])
def test_the_office_sees_who_to_call(client: Client, personas, school, absent, role) -> None:
    client.force_login(personas[role])
    page = client.get(_url(school)).content.decode()
    assert "Nia Absent" in page and "07700 900555" in page and "has a social worker" in page


@pytest.mark.parametrize("role", [Role.TEACHER, Role.GOVERNOR])
def test_other_roles_get_404(client: Client, personas, school, role) -> None:
    client.force_login(personas[role])
    assert client.get(_url(school)).status_code == 404


def test_another_schools_staff_get_404(client: Client, outsider, school) -> None:
    client.force_login(outsider)
    assert client.get(_url(school)).status_code == 404


def test_a_reported_absence_is_not_on_the_list(client: Client, office, school, absent) -> None:
    AbsenceReportFactory(school=school, pupil=absent[0], first_day=timezone.localdate())
    client.force_login(office)
    assert b"Nia Absent" not in client.get(_url(school)).content


def test_logging_a_call(client: Client, office, school, absent) -> None:
    pupil, parent = absent
    client.force_login(office)
    url = _url(school, "absences_call_log", pupil_id=pupil.pk)
    response = client.post(url, {"guardian": parent.pk, "outcome": "spoke", "reason_given": "Flu"})
    assert response.status_code == 302 and response["Location"].endswith(f"#pupil-{pupil.pk}")
    attempt = CallAttempt.objects.get()
    assert (attempt.phone, attempt.reason_given, attempt.made_by) == ("07700 900555", "Flu", office)
    page = client.get(_url(school)).content.decode()
    assert "Spoke to parent or carer" in page and "resolved" in page


def test_a_bad_call_is_refused(client: Client, office, school, absent) -> None:
    pupil, parent = absent
    client.force_login(office)
    url = _url(school, "absences_call_log", pupil_id=pupil.pk)
    client.post(url, {"guardian": parent.pk, "outcome": "spoke", "reason_given": ""})
    client.post(url, {"guardian": 999999, "outcome": "no_answer"})
    assert not CallAttempt.objects.exists()


def test_a_pupil_of_another_school_cannot_be_logged(
    client: Client, office, school, other_school
) -> None:
    stranger = PupilFactory(school=other_school)
    client.force_login(office)
    response = client.post(
        _url(school, "absences_call_log", pupil_id=stranger.pk), {"outcome": "no_answer"}
    )
    assert response.status_code == 404


def test_only_the_head_sets_the_calling_time(client: Client, office, head, school) -> None:
    url = _url(school, "absences_calling_settings")
    client.force_login(office)
    assert client.post(url, {"calling_time": "10:00"}).status_code == 404
    client.force_login(head)
    client.post(url, {"calling_time": "10:00"})
    assert AbsenceSettings.objects.get(school=school).calling_time == dt.time(10, 0)
    client.post(url, {"calling_time": "nonsense"})
    assert AbsenceSettings.objects.get(school=school).calling_time == dt.time(10, 0)
