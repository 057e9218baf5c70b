"""Downloading a report's PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import Report, ReportKind


def _url(report):
    return reverse("report_download", kwargs={"urn": report.school.urn, "report_id": report.pk})


@pytest.mark.django_db
def test_a_governor_downloads_the_pdf(client, built, governor):
    client.force_login(governor)
    response = client.get(_url(built))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert built.filename in response["Content-Disposition"]


@pytest.mark.django_db
def test_a_changed_file_is_not_served(client, built, governor):
    with open(built.file.path, "ab") as handle:
        handle.write(b"tampered")
    client.force_login(governor)
    assert client.get(_url(built)).status_code == 404


@pytest.mark.django_db
def test_a_report_not_ready_is_404(client, school, governor):
    report = Report.objects.create(
        kind=ReportKind.SCHOOL,
        school=school,
        period_key="year-2024",
        period_label="Year",
        requested_at=timezone.now(),
    )
    client.force_login(governor)
    assert client.get(_url(report)).status_code == 404


@pytest.mark.django_db
def test_staff_of_another_school_get_404(client, built, outsider):
    client.force_login(outsider)
    assert client.get(_url(built)).status_code == 404
