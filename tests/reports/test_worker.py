"""A real Celery worker on Redis builds a requested report and stores its PDF."""

from __future__ import annotations

import time

import pytest
from django.db import transaction
from django.utils import timezone

from reports.models import Report, ReportKind, ReportState
from reports.services import report_file_matches, report_request
from tests.conftest import add_calendar
from tests.escalation.helpers import fill
from tests.registers.factories import PupilFactory, SchoolFactory


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_requested_report_is_built_by_the_worker(celery_worker_process: str) -> None:
    school = SchoolFactory(urn="123458", name="Worker Reports Primary")
    add_calendar(school)
    for _ in range(6):
        fill(school, PupilFactory(school=school), "2024-09-02", "2024-12-20")
    with transaction.atomic():
        report = report_request(
            school=school,
            kind=ReportKind.SCHOOL,
            period_key="term-2024-autumn",
            user=None,
            today=timezone.localdate(),
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        report = Report.objects.get(pk=report.pk)
        if report.finished:
            break
        time.sleep(0.5)
    assert report.state == ReportState.DONE, report.error or report.state
    assert report.figures["school_way"]["attendance"] == "100.0"
    assert report_file_matches(report=report)
