"""Benchmarks of the reports (`make bench`): a termly report of a 2,000-pupil school and
a trust report of 20 schools, each from request to stored PDF.

Data comes from the escalation benchmarks' loaders (a year of marks with roughly the
national mix of codes). The trust's schools have 300 pupils each on SQLite, where
loading 15 million marks row by row would take far longer than the report; with
`--large` on PostgreSQL they have 2,000 each. `trust_report_20_schools_pupils` says
which was measured.
"""

from __future__ import annotations

import time
from pathlib import Path
from unittest.mock import patch

from django.db import connection
from django.test import override_settings

from escalation.bench import AS_OF, _load
from registers.models import School, Trust
from reports.models import Report, ReportKind, ReportState
from reports.services import report_build, report_request
from reports.tasks import report_build_task

TERM = "term-2024-summer"  # the bench calendar's summer term, with the summer-2 split
YEAR = "year-2024"


def _timed(school: School, kind: str, period_key: str) -> float:
    """Request then build a report in this process: the request's queued build is
    replaced by the direct call, so nothing reaches the machine's broker."""
    started = time.perf_counter()
    with patch.object(report_build_task, "delay_on_commit"):
        report = report_request(
            school=school, kind=kind, period_key=period_key, user=None, today=AS_OF
        )
    report_build(report_id=report.pk, today=AS_OF)
    elapsed = time.perf_counter() - started
    report.refresh_from_db()
    if report.state != ReportState.DONE:
        raise RuntimeError(f"the report failed: {report.error}")
    return elapsed


def termly_report_2000_pupils(workdir: Path, large: bool) -> dict[str, float]:
    """One school's termly report, and its year-to-date report, request to PDF."""
    (school,) = _load(1, 2000, "97")
    with override_settings(MEDIA_ROOT=workdir / "media"):
        term = _timed(school, ReportKind.SCHOOL, TERM)
        year = _timed(school, ReportKind.SCHOOL, YEAR)
    return {"termly_report_2000_pupils_s": term, "year_report_2000_pupils_s": year}


def trust_report_20_schools(workdir: Path, large: bool) -> dict[str, float]:
    """The trust report for 20 schools side by side, request to PDF."""
    each = 2000 if large and connection.vendor == "postgresql" else 300
    schools = _load(20, each, "98")
    trust = Trust.objects.create(name="Bench Learning Trust")
    School.objects.filter(pk__in=[s.pk for s in schools]).update(trust=trust)
    first = School.objects.get(pk=schools[0].pk)
    with override_settings(MEDIA_ROOT=workdir / "media"):
        elapsed = _timed(first, ReportKind.TRUST, TERM)
    Report.objects.filter(trust=trust).delete()
    return {"trust_report_20_schools_s": elapsed, "trust_report_20_schools_pupils": 20 * each}


BENCHMARKS = [termly_report_2000_pupils, trust_report_20_schools]
