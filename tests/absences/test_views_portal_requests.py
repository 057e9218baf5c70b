"""From the portal: reporting an absence for a named child and asking for leave."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from absences.models import AbsenceReport, LeaveRequest

pytestmark = pytest.mark.django_db


def _next_monday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday() + 7)


def test_a_report_for_a_named_child_arrives_matched(parent_client: Client, school, family) -> None:
    pupil = family.children[1]
    url = reverse("parents_child_report", kwargs={"pupil_id": pupil.pk})
    form = parent_client.get(url)
    assert form.status_code == 200 and b"child_name" not in form.content
    response = parent_client.post(
        url,
        {
            "reason": "medical",
            "details": "Dentist at 2pm",
            "first_day": timezone.localdate().isoformat(),
            "part_of_day": "PM",
            "reporter_email": "jo.hart@example.com",
            "reporter_phone": "07700 900123",
        },
    )
    assert response.status_code == 302
    report = AbsenceReport.objects.get()
    assert report.pupil == pupil and report.guardian == family.guardian
    assert report.channel == "portal" and report.status == "new"
    assert report.child_name == "Ben Hart" and report.child_class == "4B"


def test_a_bad_report_is_explained(parent_client: Client, family) -> None:
    url = reverse("parents_child_report", kwargs={"pupil_id": family.children[0].pk})
    response = parent_client.post(url, {"reason": "", "first_day": ""})
    assert response.status_code == 200 and b"There is a problem" in response.content
    assert not AbsenceReport.objects.exists()


def _leave_data(**kw):
    monday = _next_monday()
    base = {
        "start_date": monday.isoformat(),
        "end_date": (monday + dt.timedelta(days=4)).isoformat(),
        "address": "1 Church Road\nHatfield",
        "postcode": "AL10 0AB",
        "reason": "A family funeral abroad",
        "adult0_name": "Jo Hart",
        "adult0_lives_with": "on",
        "adult0_travelling": "on",
        "adult0_parental_responsibility": "on",
        "adult1_name": "Sam Hart",
        "adult1_address": "2 Mill Lane",
        "adult1_parental_responsibility": "on",
        "declaration": "on",
        "signed_name": "Jo Hart",
    }
    return {**base, **kw}


def test_asking_for_leave_with_evidence(parent_client: Client, current_term, family) -> None:
    pupil = family.children[0]
    url = reverse("parents_leave_new", kwargs={"pupil_id": pupil.pk})
    data = _leave_data(evidence=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 x", "application/pdf"))
    response = parent_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    leave = LeaveRequest.objects.get()
    assert leave.school_days == 5 and leave.pupil == pupil and leave.requested_by == family.guardian
    assert leave.adults.count() == 2 and leave.evidence
    detail = parent_client.get(response["Location"]).content.decode()
    assert "Waiting for a decision" in detail and "Sam Hart" in detail
    download = parent_client.get(reverse("parents_leave_evidence", kwargs={"leave_id": leave.pk}))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start_date": "2001-01-01"}, "before it starts"),
        ({"adult0_name": ""}, "This field is required"),
        ({"adult2_travelling": "on"}, "this adult"),
        ({"declaration": ""}, "This field is required"),
        (
            {"evidence": SimpleUploadedFile("x.exe", b"MZ....", "application/pdf")},
            "PDF, JPEG or PNG",
        ),
    ],
)
def test_bad_leave_requests_are_explained(
    parent_client: Client, current_term, family, change, message
) -> None:
    url = reverse("parents_leave_new", kwargs={"pupil_id": family.children[0].pk})
    response = parent_client.post(url, _leave_data(**change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LeaveRequest.objects.exists()


def test_dates_with_no_school_days_are_explained(parent_client: Client, school, family) -> None:
    url = reverse("parents_leave_new", kwargs={"pupil_id": family.children[0].pk})
    response = parent_client.post(url, _leave_data())  # the §6.0 calendar has no term now
    assert response.status_code == 200 and b"does not meet" in response.content


def test_withdrawing_a_pending_request(parent_client: Client, current_term, family) -> None:
    url = reverse("parents_leave_new", kwargs={"pupil_id": family.children[0].pk})
    parent_client.post(url, _leave_data())
    leave = LeaveRequest.objects.get()
    response = parent_client.post(reverse("parents_leave_withdraw", kwargs={"leave_id": leave.pk}))
    assert response.status_code == 302
    leave.refresh_from_db()
    assert leave.status == "withdrawn"
