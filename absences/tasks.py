"""Celery tasks of the absences app: load by id, call a service."""

from __future__ import annotations

from celery import shared_task

from absences.models import AbsenceReport, LeaveRequest
from absences.services.emails import email_send
from absences.services.signin import signin_link_send
from registers.tasks import RETRY_ON


@shared_task(autoretry_for=RETRY_ON, retry_backoff=True, max_retries=5)
def report_confirmation_task(report_id: int) -> None:
    """Confirm a report to the address the parent gave."""
    report = AbsenceReport.objects.select_related("school").filter(pk=report_id).first()
    if report is None or not report.reporter_email:
        return
    email_send(template="report_confirmation", to=report.reporter_email, context={"report": report})


@shared_task(autoretry_for=RETRY_ON, retry_backoff=True, max_retries=5)
def leave_confirmation_task(leave_id: int) -> None:
    """Confirm a leave request to the guardian who made it."""
    leave = (
        LeaveRequest.objects.select_related("school", "pupil", "requested_by")
        .filter(pk=leave_id)
        .first()
    )
    if leave is None or not leave.requested_by.email:
        return
    email_send(template="leave_confirmation", to=leave.requested_by.email, context={"leave": leave})


@shared_task(autoretry_for=RETRY_ON, retry_backoff=True, max_retries=5)
def signin_link_task(*, email: str, origin: str) -> None:
    """Send a sign-in link if the address belongs to a guardian (else nothing)."""
    signin_link_send(email=email, origin=origin)
