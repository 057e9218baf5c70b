"""Leave requests for the school: the list, deciding (head or delegate), G when taken."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from absences.models import LeaveRequest
from absences.signals import leave_decided
from registers.models import Mark, Role
from tests.absences.factories import MONDAY, LeaveAdultFactory, LeaveRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leave(school, family) -> LeaveRequest:
    found = LeaveRequestFactory(
        school=school, pupil=family.children[0], requested_by=family.guardian
    )
    LeaveAdultFactory(leave_request=found, name="Jo Hart", travelling=True)
    found.evidence.save("x.pdf", ContentFile(b"%PDF-1.4"))
    return found


def _url(name: str, school, leave=None) -> str:
    kwargs = {"urn": school.urn} | ({"leave_id": leave.pk} if leave else {})
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", [Role.OFFICE, Role.ATTENDANCE_LEAD, Role.HEADTEACHER])
def test_the_office_lead_and_head_see_requests(
    client: Client, personas, school, leave, role
) -> None:
    client.force_login(personas[role])
    assert leave.reference.encode() in client.get(_url("absences_leave_list", school)).content
    detail = client.get(_url("absences_leave_detail", school, leave)).content.decode()
    assert "Jo Hart" in detail and "A family funeral abroad" in detail


@pytest.mark.parametrize("role", [Role.TEACHER, Role.GOVERNOR])
def test_teachers_and_governors_get_404(client: Client, personas, school, leave, role) -> None:
    client.force_login(personas[role])
    assert client.get(_url("absences_leave_list", school)).status_code == 404
    assert client.get(_url("absences_leave_detail", school, leave)).status_code == 404
    assert client.get(_url("absences_leave_decide", school, leave)).status_code == 404


def test_the_governor_never_gets_the_evidence(
    client: Client, governor, outsider, school, leave
) -> None:
    for user in (governor, outsider):
        client.force_login(user)
        assert client.get(_url("absences_leave_evidence", school, leave)).status_code == 404


def test_staff_who_see_pupils_can_open_the_evidence(client: Client, teacher, school, leave) -> None:
    client.force_login(teacher)
    response = client.get(_url("absences_leave_evidence", school, leave))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"


def test_another_schools_request_is_404(client: Client, head, other_school, school, family) -> None:
    theirs = LeaveRequestFactory(
        school=other_school, pupil=family.children[0], requested_by=family.guardian
    )
    client.force_login(head)
    assert client.get(_url("absences_leave_detail", school, theirs)).status_code == 404
    assert client.get(_url("absences_leave_list", other_school)).status_code == 404


def test_the_office_cannot_decide(client: Client, office, school, leave) -> None:
    client.force_login(office)
    assert client.get(_url("absences_leave_decide", school, leave)).status_code == 404
    assert (
        client.post(
            _url("absences_leave_decide", school, leave), {"decision": "granted", "reason": "x"}
        ).status_code
        == 404
    )
    leave.refresh_from_db()
    assert leave.status == "pending"


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.ATTENDANCE_LEAD])
def test_the_head_or_delegate_decides_with_a_reason(
    client: Client, personas, school, leave, role, django_capture_on_commit_callbacks
) -> None:
    client.force_login(personas[role])
    url = _url("absences_leave_decide", school, leave)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"decision": "refused", "reason": ""})
    assert bad.status_code == 200 and b"There is a problem" in bad.content
    heard = []
    leave_decided.connect(lambda **kw: heard.append(kw), weak=False, dispatch_uid="view-test")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"decision": "refused", "reason": "Not exceptional"})
    finally:
        leave_decided.disconnect(dispatch_uid="view-test")
    assert response.status_code == 302
    leave.refresh_from_db()
    assert leave.status == "refused" and leave.decision_reason == "Not exceptional"
    assert len(heard) == 1
    again = client.get(url)
    assert again.status_code == 302  # decided already


def test_granting_enters_c(client: Client, head, school, leave) -> None:
    client.force_login(head)
    client.post(
        _url("absences_leave_decide", school, leave), {"decision": "granted", "reason": "Funeral"}
    )
    assert set(Mark.objects.values_list("code_id", flat=True)) == {"C"}
    assert Mark.objects.count() == 10


def test_the_office_marks_refused_leave_taken_as_g(client: Client, office, school, leave) -> None:
    leave.status = "refused"
    leave.start_date = MONDAY
    leave.end_date = MONDAY + dt.timedelta(days=1)
    leave.save()
    client.force_login(office)
    detail = client.get(_url("absences_leave_detail", school, leave)).content.decode()
    assert "Taken anyway: mark G" in detail
    response = client.post(_url("absences_leave_taken", school, leave))
    assert response.status_code == 302
    assert list(Mark.objects.values_list("code_id", flat=True).distinct()) == ["G"]
    assert Mark.objects.count() == 4


def test_marking_pending_leave_taken_is_refused(client: Client, office, school, leave) -> None:
    client.force_login(office)
    client.post(_url("absences_leave_taken", school, leave))
    assert not Mark.objects.exists()


def test_the_list_filters_by_status(client: Client, office, school, leave) -> None:
    client.force_login(office)
    assert (
        leave.reference.encode()
        not in client.get(_url("absences_leave_list", school), {"status": "granted"}).content
    )
    assert (
        leave.reference.encode()
        in client.get(_url("absences_leave_list", school), {"status": "bogus"}).content
    )
