"""Parent absence reports: submitting one, and the office accepting or dismissing it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from absences import rules, selectors
from absences.models import AbsenceReport, Reason, ReportChannel, ReportStatus
from absences.services.references import reference_new
from registers.models import Guardian, MarkSource, Pupil, School, User
from registers.services.marks import MarkEntry, marks_write

REPLACE_NONE = "none"  # only sessions with no mark yet
REPLACE_UNEXPLAINED = "n"  # also sessions marked N (reason not yet established)
REPLACE_ALL = "all"  # every session of the report, whatever is marked
REPLACE_CHOICES = (REPLACE_NONE, REPLACE_UNEXPLAINED, REPLACE_ALL)


@dataclass(frozen=True)
class ReportFields:
    child_name: str
    child_date_of_birth: dt.date
    child_class: str
    reporter_name: str
    reporter_relationship: str
    reporter_phone: str
    reporter_email: str
    reason: str
    details: str
    first_day: dt.date
    expected_return: dt.date | None
    part_of_day: str


@transaction.atomic
def report_submit(
    *,
    school: School,
    fields: ReportFields,
    guardian: Guardian | None = None,
    pupil: Pupil | None = None,
    now: dt.datetime | None = None,
) -> AbsenceReport:
    """Store a report as the parent gave it and queue their confirmation email.

    From the portal `guardian` and `pupil` are known, so the report arrives matched; it
    still waits in the office's queue for the codes to be entered.
    """
    if fields.reason not in Reason.values:
        raise ValidationError("Choose a reason.")
    if fields.expected_return and fields.expected_return <= fields.first_day:
        raise ValidationError("The return date must be after the first day of absence.")
    report = AbsenceReport.objects.create(
        school=school,
        reference=reference_new("AB"),
        channel=ReportChannel.PORTAL if guardian else ReportChannel.PUBLIC,
        submitted_at=now or timezone.now(),
        guardian=guardian,
        pupil=pupil,
        **fields.__dict__,
    )
    if report.reporter_email:
        from absences.tasks import report_confirmation_task

        report_confirmation_task.delay_on_commit(report.pk)
    return report


@dataclass(frozen=True)
class AcceptResult:
    entered: int  # sessions written
    kept: int  # sessions left as they were (already marked)
    outside: int  # sessions of the report the pupil is not on roll for


@transaction.atomic
def report_accept(
    *,
    report: AbsenceReport,
    pupil: Pupil,
    user: User,
    code: str | None = None,
    replace: str = REPLACE_UNEXPLAINED,
    now: dt.datetime | None = None,
) -> AcceptResult:
    """Match a report to a pupil and enter the reason's code for the sessions it covers.

    1. Refuse a report already processed (locked, so two people cannot both accept it),
       a pupil not on roll at the report's school, a bad code or replace option.
    2. The code: I for illness, M for a medical appointment, the office's choice for
       "other" (or to correct the parent's category).
    3. The sessions: the school's sessions from the first day up to the day before the
       expected return, those the pupil is on roll for. Sessions already marked keep
       their mark unless the office chose to replace N marks or every mark.
    4. Write through `marks_write` with source "parent report" and a reason naming the
       report's reference, so every amendment's history points at the report; link the
       marks written to the report.
    """
    report = AbsenceReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.NEW:
        raise ValidationError("This report has already been dealt with.")
    if replace not in REPLACE_CHOICES:
        raise ValidationError("Choose which marks to replace.")
    code = code or rules.code_for_reason(report.reason)
    if code is None:
        raise ValidationError("Choose the code to enter for this reason.")
    if code not in (*rules.REASON_CODES.values(), *rules.OFFICE_CODES):
        raise ValidationError(f"{code} cannot be entered from a parent report.")
    if not selectors.pupils_on_roll(report.school).filter(pk=pupil.pk).exists():
        raise ValidationError("That pupil is not on roll at this school.")
    sessions = selectors.report_sessions(report)
    on_roll = selectors.on_roll_sessions(school=report.school, pupil=pupil, sessions=sessions)
    marked = selectors.marked_codes(school=report.school, pupil=pupil, sessions=on_roll)
    wanted = [s for s in on_roll if _replaceable(marked.get(s), replace)]
    reason_text = f"Parent report {report.reference}: {report.get_reason_display()}"
    result = marks_write(
        school=report.school,
        entries=[MarkEntry(pupil.pk, day, half, code) for day, half in wanted],
        user=user,
        source=MarkSource.PARENT_REPORT,
        reason=reason_text,
        now=now,
    )
    report.pupil = pupil
    report.code = code
    report.status = ReportStatus.ACCEPTED
    report.processed_by = user
    report.processed_at = now or timezone.now()
    report.save(update_fields=["pupil", "code", "status", "processed_by", "processed_at"])
    report.marks.add(*result.created, *(c.mark for c in result.changed))
    return AcceptResult(
        entered=len(result.created) + len(result.changed),
        kept=len(on_roll) - len(wanted) + result.unchanged,
        outside=len(sessions) - len(on_roll),
    )


def _replaceable(current: str | None, replace: str) -> bool:
    if current is None or replace == REPLACE_ALL:
        return True
    return replace == REPLACE_UNEXPLAINED and current == rules.UNEXPLAINED_CODE


@transaction.atomic
def report_dismiss(
    *, report: AbsenceReport, user: User, note: str, now: dt.datetime | None = None
) -> AbsenceReport:
    """Close a report without entering codes (a duplicate, or no such pupil), saying why."""
    report = AbsenceReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.NEW:
        raise ValidationError("This report has already been dealt with.")
    if not note.strip():
        raise ValidationError("Say why the report is dismissed.")
    report.status = ReportStatus.DISMISSED
    report.office_note = note.strip()
    report.processed_by = user
    report.processed_at = now or timezone.now()
    report.save(update_fields=["status", "office_note", "processed_by", "processed_at"])
    return report
