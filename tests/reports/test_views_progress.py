"""The progress partial polled by htmx."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import Report, ReportKind, ReportState


@pytest.fixture
def queued(school):
    return Report.objects.create(
        kind=ReportKind.SCHOOL,
        school=school,
        period_key="year-2024",
        period_label="Year",
        requested_at=timezone.now(),
        percent=55,
        state=ReportState.RUNNING,
    )


def _url(report):
    return reverse("report_progress", kwargs={"urn": report.school.urn, "report_id": report.pk})


@pytest.mark.django_db
def test_it_returns_the_card_alone_while_running(client, queued, governor):
    client.force_login(governor)
    response = client.get(_url(queued), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"55% done" in response.content and b"<html" not in response.content
    assert "HX-Refresh" not in response


@pytest.mark.django_db
def test_it_reloads_the_page_when_done(client, queued, governor):
    Report.objects.filter(pk=queued.pk).update(state=ReportState.DONE, percent=100)
    client.force_login(governor)
    response = client.get(_url(queued), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_a_failure_is_explained(client, queued, governor):
    Report.objects.filter(pk=queued.pk).update(state=ReportState.FAILED, error="ValueError: x")
    client.force_login(governor)
    response = client.get(_url(queued))
    assert b"could not be prepared" in response.content


@pytest.mark.django_db
def test_staff_of_another_school_get_404(client, queued, outsider):
    client.force_login(outsider)
    assert client.get(_url(queued)).status_code == 404
