"""A report's page: the figures once built, progress until then, scoped to the school."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import Report, ReportKind


def _url(report, school=None):
    return reverse(
        "report_detail", kwargs={"urn": (school or report.school).urn, "report_id": report.pk}
    )


@pytest.mark.django_db
def test_a_governor_reads_the_report_without_pupil_names(client, built, governor, seeded):
    client.force_login(governor)
    response = client.get(_url(built))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Headline figures" in content and "Download the PDF" in content
    assert "fewer than 5 pupils" in content
    assert '<svg class="chart"' in content
    for pupil in seeded.pupils.values():
        assert pupil.upn not in content and f"{pupil.forename} Seed" not in content


@pytest.mark.django_db
def test_a_queued_report_shows_its_progress(client, school, governor):
    report = Report.objects.create(
        kind=ReportKind.SCHOOL,
        school=school,
        period_key="year-2024",
        period_label="Year",
        requested_at=timezone.now(),
        percent=40,
    )
    client.force_login(governor)
    response = client.get(_url(report))
    assert b"40% done" in response.content
    assert b"hx-get" in response.content and b"Refresh" in response.content


@pytest.mark.django_db
def test_a_trust_report_is_hidden_from_a_governor(client, school, governor, trust_leader):
    report = Report.objects.create(
        kind=ReportKind.TRUST,
        school=school,
        trust=school.trust,
        period_key="year-2024",
        period_label="Year",
        requested_at=timezone.now(),
    )
    client.force_login(governor)
    assert client.get(_url(report)).status_code == 404
    client.force_login(trust_leader)
    assert client.get(_url(report)).status_code == 200


@pytest.mark.django_db
def test_another_schools_report_is_404_here(client, built, sibling_school, trust_leader, member):
    from registers.models import Role

    governor_b = member(Role.GOVERNOR, school=sibling_school)
    client.force_login(governor_b)
    assert client.get(_url(built, sibling_school)).status_code == 404
    assert client.get(_url(built)).status_code == 404


@pytest.mark.django_db
def test_staff_of_another_school_get_404(client, built, outsider):
    client.force_login(outsider)
    assert client.get(_url(built)).status_code == 404
