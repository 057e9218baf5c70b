"""Writes of the reports app: request a report, then build it (in a task).

`report_request` records the request and queues the build after commit. `report_build`
snapshots the figures onto the row, renders the PDF from that snapshot with
`letters.pdf` and stores it with its SHA-256, updating the row's progress as it goes.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from registers.models import School, User
from reports import selectors
from reports.compute import school_figures
from reports.conf import suppress_below
from reports.models import Report, ReportKind, ReportState
from reports.presentation import report_html
from reports.snapshot import school_snapshot
from reports.trust import trust_periods, trust_snapshot

logger = logging.getLogger(__name__)


@transaction.atomic
def report_request(
    *, school: School, kind: str, period_key: str, user: User | None, today: date
) -> Report:
    """Record a request for a school or trust report and queue its build after commit.

    The period must be one of the school's calendar (terms and years only for a trust).
    Who may ask is the view's check; a trust report needs the school to be in a trust.
    """
    if kind == ReportKind.TRUST:
        if school.trust_id is None:
            raise ValidationError("This school is not part of a trust.")
        periods = trust_periods(school, today=today)
    elif kind == ReportKind.SCHOOL:
        periods = selectors.periods_for(school, today=today)
    else:
        raise ValidationError(f"Unknown kind of report {kind!r}.")
    period = next((p for p in periods if p.key == period_key), None)
    if period is None:
        raise ValidationError("Choose a period from the school's calendar.")
    report = Report.objects.create(
        kind=kind,
        school=school,
        trust_id=school.trust_id if kind == ReportKind.TRUST else None,
        period_key=period.key,
        period_label=period.label,
        requested_by=user,
        requested_by_name=(user.get_full_name() or user.username) if user else "",
        requested_at=timezone.now(),
    )
    from reports.tasks import report_build_task

    report_build_task.delay_on_commit(report.pk)
    return report


def _progress(report: Report, percent: int) -> None:
    """Visible to the progress page at once: each update commits on its own."""
    Report.objects.filter(pk=report.pk).update(percent=min(max(percent, 0), 100))


def report_snapshot(*, report: Report, today: date) -> dict:
    """The report's figures, suppressed, as they are to be stored."""
    below = suppress_below()
    if report.kind == ReportKind.TRUST:
        return trust_snapshot(
            trust=report.trust,
            period_key=report.period_key,
            today=today,
            below=below,
            progress=lambda p: _progress(report, 5 + p * 80 // 100),
        )
    periods = selectors.periods_for(report.school, today=today)
    period = next((p for p in periods if p.key == report.period_key), None)
    if period is None:
        raise ValidationError("The period is no longer in the school's calendar.")
    figures = school_figures(
        school=report.school,
        period=period,
        periods=periods,
        progress=lambda p: _progress(report, 5 + p * 80 // 100),
    )
    return school_snapshot(figures, below=below, today=today)


def report_build(*, report_id: int, today: date | None = None) -> Report:
    """Build a queued report: snapshot, render, store. Idempotent: a finished report is
    left as it is, so a retried task does no harm.

    1. Claim the row (queued to running) with a conditional update.
    2. Snapshot the figures onto it.
    3. Render the PDF from the snapshot and store it with its SHA-256, then mark it done.
    A failure is recorded on the row (and logged) rather than left running; an OSError
    puts it back in the queue for the task's retry.
    """
    today = today or timezone.localdate()
    claimed = Report.objects.filter(
        pk=report_id, state__in=[ReportState.QUEUED, ReportState.RUNNING]
    ).update(state=ReportState.RUNNING, percent=5, error="")
    report = Report.objects.select_related("school", "trust").get(pk=report_id)
    if not claimed:
        return report
    try:
        report.figures = report_snapshot(report=report, today=today)
        report.save(update_fields=["figures"])
        _progress(report, 88)
        _store(report, report_pdf(report))
    except OSError:
        # Storage or the PDF engine's files: the task retries, so leave it to be claimed.
        Report.objects.filter(pk=report_id).update(state=ReportState.QUEUED)
        raise
    except Exception as error:  # recorded on the row for the person waiting for it
        logger.exception("report %s failed", report_id)
        Report.objects.filter(pk=report_id).update(
            state=ReportState.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
    report.refresh_from_db()
    return report


def report_pdf(report: Report) -> bytes:
    from letters.pdf import html_to_pdf

    return html_to_pdf(report_html(report, for_pdf=True))


@transaction.atomic
def _store(report: Report, content: bytes) -> None:
    report.file.save(report.filename, ContentFile(content), save=False)
    report.sha256 = hashlib.sha256(content).hexdigest()
    report.size = len(content)
    report.state = ReportState.DONE
    report.percent = 100
    report.completed_at = timezone.now()
    report.save(
        update_fields=["file", "sha256", "size", "state", "percent", "completed_at", "figures"]
    )


def report_file_matches(*, report: Report) -> bool:
    """The stored PDF is the one that was built (its SHA-256 is unchanged)."""
    if not report.file or not report.sha256:
        return False
    with report.file.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest() == report.sha256
