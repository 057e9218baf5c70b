"""The office's queue of parent reports: who may use it, matching, dismissing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from absences.models import AbsenceReport
from registers.models import Mark, MarkSource, Role
from tests.absences.factories import MONDAY, AbsenceReportFactory
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db
WORKERS = [Role.OFFICE, Role.ATTENDANCE_LEAD, Role.HEADTEACHER]
OTHERS = [Role.TEACHER, Role.GOVERNOR, Role.TRUST_LEADER]


def _queue(school) -> str:
    return reverse("absences_queue", kwargs={"urn": school.urn})


def _detail(school, report) -> str:
    return reverse("absences_report_detail", kwargs={"urn": school.urn, "report_id": report.pk})


@pytest.mark.parametrize("role", WORKERS)
def test_the_office_lead_and_head_work_the_queue(client: Client, personas, school, role) -> None:
    report = AbsenceReportFactory(school=school)
    client.force_login(personas[role])
    response = client.get(_queue(school))
    assert response.status_code == 200 and report.reference.encode() in response.content
    assert client.get(_detail(school, report)).status_code == 200


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_get_404(client: Client, personas, school, role) -> None:
    report = AbsenceReportFactory(school=school)
    client.force_login(personas[role])
    assert client.get(_queue(school)).status_code == 404
    assert client.get(_detail(school, report)).status_code == 404


def test_staff_of_another_school_get_404(client: Client, outsider, school) -> None:
    client.force_login(outsider)
    assert client.get(_queue(school)).status_code == 404


def test_a_report_of_another_school_is_404(client: Client, office, school, other_school) -> None:
    theirs = AbsenceReportFactory(school=other_school)
    client.force_login(office)
    assert client.get(_detail(school, theirs)).status_code == 404


def test_it_requires_login(client: Client, school) -> None:
    response = client.get(_queue(school))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_suggests_the_matching_pupil_and_accepting_enters_i(
    client: Client, office, school
) -> None:
    amelia = PupilFactory(school=school, forename="Amelia", surname="Hart")
    PupilFactory(school=school, forename="Zed", surname="Zephyr", date_of_birth="2012-01-01")
    report = AbsenceReportFactory(school=school)
    client.force_login(office)
    page = client.get(_detail(school, report)).content.decode()
    assert "Amelia Hart, born 1 May 2015, 4B" in page and "Zephyr" not in page
    response = client.post(
        _detail(school, report), {"pupil": amelia.pk, "code": "", "replace": "n"}
    )
    assert response.status_code == 302 and response["Location"] == _queue(school)
    assert list(Mark.objects.values_list("pupil_id", "date", "code_id", "source")) == [
        (amelia.pk, MONDAY, "I", MarkSource.PARENT_REPORT),
        (amelia.pk, MONDAY, "I", MarkSource.PARENT_REPORT),
    ]
    report.refresh_from_db()
    assert report.status == "accepted" and report.processed_by == office


def test_a_search_finds_pupils_the_suggestions_missed(client: Client, office, school) -> None:
    other = PupilFactory(
        school=school, forename="Millie", surname="Smith-Jones", date_of_birth="2014-02-02"
    )
    report = AbsenceReportFactory(school=school, child_name="Mille Smyth", child_class="")
    client.force_login(office)
    page = client.get(_detail(school, report), {"q": "Smith"}).content.decode()
    assert "Millie Smith-Jones" in page
    client.post(_detail(school, report) + "?q=Smith", {"pupil": other.pk, "replace": "n"})
    assert Mark.objects.filter(pupil=other).count() == 2


def test_other_needs_a_code(client: Client, office, school) -> None:
    pupil = PupilFactory(school=school, forename="Amelia", surname="Hart")
    report = AbsenceReportFactory(school=school, reason="other")
    client.force_login(office)
    response = client.post(_detail(school, report), {"pupil": pupil.pk, "code": "", "replace": "n"})
    assert response.status_code == 200 and b"Choose the code" in response.content
    assert not Mark.objects.exists()


def test_a_pupil_of_another_school_cannot_be_chosen(
    client: Client, office, school, other_school
) -> None:
    stranger = PupilFactory(school=other_school, forename="Amelia", surname="Hart")
    report = AbsenceReportFactory(school=school)
    client.force_login(office)
    response = client.post(_detail(school, report), {"pupil": stranger.pk, "replace": "n"})
    assert response.status_code == 200 and b"There is a problem" in response.content
    assert not Mark.objects.exists()


def test_dismissing(client: Client, office, school) -> None:
    report = AbsenceReportFactory(school=school)
    client.force_login(office)
    url = reverse("absences_report_dismiss", kwargs={"urn": school.urn, "report_id": report.pk})
    assert client.post(url, {"note": ""}).status_code == 302
    assert AbsenceReport.objects.get().status == "new"
    client.post(url, {"note": "Duplicate"})
    assert AbsenceReport.objects.get().status == "dismissed"


def test_the_navigation_shows_the_count_of_waiting_reports_in_one_query(
    client: Client, office, school, django_assert_num_queries
) -> None:
    from absences.context_processors import report_badges

    AbsenceReportFactory.create_batch(3, school=school)
    AbsenceReportFactory(school=school, status="dismissed")
    client.force_login(office)
    page = client.get(reverse("registers_today", kwargs={"urn": school.urn})).content.decode()
    assert 'class="nav-badge"' in page and ">3<" in page
    request = client.get(_queue(school)).wsgi_request
    with django_assert_num_queries(1):
        assert report_badges(request)["nav_badges"] == {_queue(school): 3}
