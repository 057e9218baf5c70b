"""Absence reports through the API: a parent app passes one on; staff list them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from absences.models import AbsenceReport
from registers.models import School, User
from tests.api.conftest import Class4B, token_client

pytestmark = pytest.mark.django_db


def _url(school: School) -> str:
    return reverse("api_absence_reports", kwargs={"urn": school.urn})


def _report(**change) -> dict:
    today = timezone.localdate()
    return {
        "child_name": "Ada Example",
        "child_date_of_birth": (today - dt.timedelta(days=9 * 365)).isoformat(),
        "child_class": "4B",
        "reporter_name": "Sam Example",
        "reporter_relationship": "Mother",
        "reporter_phone": "07700 900123",
        "reason": "illness",
        "details": "Temperature",
        "first_day": today.isoformat(),
        **change,
    }


@pytest.fixture
def parent_app(school: School) -> APIClient:
    return token_client(school, "report-absences")


def test_a_parent_app_passes_on_a_report_and_gets_its_reference(
    parent_app: APIClient, school: School
) -> None:
    response = parent_app.post(_url(school), _report(), format="json")
    assert response.status_code == 201, response.json()
    report = AbsenceReport.objects.get()
    assert response.json() == {"reference": report.reference, "status": "received"}
    assert (report.school, report.child_name, report.reason) == (school, "Ada Example", "illness")


def test_real_and_made_up_children_get_the_same_answer(
    parent_app: APIClient, school: School, class4b: Class4B
) -> None:
    real = _report(
        child_name=f"{class4b.ada.forename} {class4b.ada.surname}",
        child_date_of_birth=class4b.ada.date_of_birth.isoformat(),
    )
    answers = [parent_app.post(_url(school), body, format="json") for body in (real, _report())]
    assert [a.status_code for a in answers] == [201, 201]
    assert [set(a.json()) for a in answers] == [{"reference", "status"}] * 2
    assert answers[0].json()["status"] == answers[1].json()["status"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reporter_phone": "call me"}, "reporter_phone"),
        ({"first_day": "2001-01-01"}, "first_day"),
        ({"reason": "holiday"}, "reason"),
        ({"child_name": "x" * 500}, "child_name"),
    ],
)
def test_bad_reports_are_400_with_the_field_named(
    parent_app: APIClient, school: School, change: dict, field: str
) -> None:
    response = parent_app.post(_url(school), _report(**change), format="json")
    assert response.status_code == 400 and field in response.json()
    assert not AbsenceReport.objects.exists()


def test_a_retry_with_the_same_key_files_one_report(parent_app: APIClient, school: School) -> None:
    headers = {"HTTP_IDEMPOTENCY_KEY": "app-report-1"}
    first = parent_app.post(_url(school), _report(), format="json", **headers)
    again = parent_app.post(_url(school), _report(), format="json", **headers)
    assert first.json() == again.json() and AbsenceReport.objects.count() == 1


def test_scopes_and_roles(
    parent_app: APIClient, reader: APIClient, api: APIClient, governor: User, office: User,
    outsider: User, school: School,
) -> None:  # fmt: skip
    assert parent_app.get(_url(school)).status_code == 403  # a parent app cannot list
    assert reader.post(_url(school), _report(), format="json").status_code == 403
    parent_app.post(_url(school), _report(), format="json")
    assert reader.get(_url(school)).json()["count"] == 1
    api.force_authenticate(office)
    assert api.get(_url(school)).json()["results"][0]["status"]
    api.force_authenticate(governor)
    assert api.get(_url(school)).status_code == 403
    api.force_authenticate(outsider)
    assert api.get(_url(school)).status_code == 404
