"""Asking for a report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.models import Report, ReportKind


def _url(school):
    return reverse("reports_new", kwargs={"urn": school.urn})


@pytest.mark.django_db
def test_a_governor_asks_for_a_school_report(
    client, school, governor, django_capture_on_commit_callbacks, media
):
    client.force_login(governor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(school), {"kind": "school", "school-period": "term-2024-autumn"}
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "report_detail", kwargs={"urn": school.urn, "report_id": report.pk}
    )
    assert report.kind == ReportKind.SCHOOL and report.requested_by == governor
    report.refresh_from_db()
    assert report.state == "done"


@pytest.mark.django_db
def test_it_refuses_a_period_not_offered(client, school, governor):
    client.force_login(governor)
    response = client.post(_url(school), {"kind": "school", "school-period": "term-1999-autumn"})
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert b"Choose a period from the list." in response.content
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_only_trust_leaders_ask_for_the_trust_report(client, school, governor, head):
    for user in (governor, head):
        client.force_login(user)
        response = client.post(_url(school), {"kind": "trust", "trust-period": "term-2024-autumn"})
        assert response.status_code == 404
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_a_trust_leader_asks_for_the_trust_report(client, school, trust_leader):
    client.force_login(trust_leader)
    response = client.post(_url(school), {"kind": "trust", "trust-period": "year-2024"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.kind == ReportKind.TRUST and report.trust_id == school.trust_id


@pytest.mark.django_db
def test_half_terms_are_not_offered_for_a_trust(client, school, trust_leader):
    client.force_login(trust_leader)
    response = client.post(_url(school), {"kind": "trust", "trust-period": "half-2024-09-03"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_staff_of_another_school_get_404(client, school, outsider):
    client.force_login(outsider)
    response = client.post(_url(school), {"kind": "school", "school-period": "year-2024"})
    assert response.status_code == 404


@pytest.mark.django_db
def test_get_is_not_allowed(client, school, governor):
    client.force_login(governor)
    assert client.get(_url(school)).status_code == 405
