"""Leave-of-absence requests: a parent asks, the head decides, the register follows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from absences import rules, selectors
from absences.models import LeaveAdult, LeaveRequest, LeaveStatus
from absences.services.references import reference_new
from absences.signals import leave_decided
from registers.models import Guardian, MarkSource, Pupil, PupilGuardian, School, User
from registers.services.marks import MarkEntry, marks_write

EVIDENCE_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
_MAGIC = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


@dataclass(frozen=True)
class Adult:
    name: str
    address: str
    lives_with: bool
    travelling: bool
    parental_responsibility: bool


def evidence_error(upload: UploadedFile) -> str | None:
    """What is wrong with an evidence file, judged by its size and its first bytes (not its
    name or the browser's claimed type), or None."""
    if upload.size is not None and upload.size > EVIDENCE_MAX_BYTES:
        return "The file is larger than 5 MB."
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in _MAGIC):
        return "The file must be a PDF, JPEG or PNG."
    return None


def _evidence_type(upload: UploadedFile) -> str:
    head = upload.read(8)
    upload.seek(0)
    return next(kind for magic, kind in _MAGIC.items() if head.startswith(magic))


@transaction.atomic
def leave_request_submit(
    *,
    guardian: Guardian,
    pupil: Pupil,
    school: School,
    start_date: dt.date,
    end_date: dt.date,
    reason: str,
    adults: Sequence[Adult],
    signed_name: str,
    declaration: bool,
    address: str = "",
    postcode: str = "",
    evidence: UploadedFile | None = None,
    today: dt.date,
) -> LeaveRequest:
    """Store a parent's request, with the school days it would miss from the calendar.

    Leave is asked for in advance (rules §3.5: it cannot be authorised afterwards), by a
    guardian of the child, for dates the school meets on, naming at least one adult.
    """
    errors: list[str] = []
    if not PupilGuardian.objects.filter(pupil=pupil, guardian=guardian).exists():
        raise ValidationError("You can only ask for leave for your own children.")
    if not selectors.pupils_on_roll(school, today).filter(pk=pupil.pk).exists():
        raise ValidationError("The child is not on roll at this school.")
    if end_date < start_date:
        errors.append("The last day must be on or after the first day.")
    if start_date < today:
        errors.append("Leave must be asked for before it starts.")
    if not adults:
        errors.append("Name every adult who lives with the child or has parental responsibility.")
    if not declaration:
        errors.append("Confirm that you have read and understood the declaration.")
    if not reason.strip():
        errors.append("Give the reason for the request.")
    if evidence is not None and (problem := evidence_error(evidence)):
        errors.append(problem)
    if errors:
        raise ValidationError(errors)
    days = rules.school_days(selectors.held_sessions(school, start_date, end_date))
    if days == 0:
        raise ValidationError("The school does not meet on any of those days.")
    leave = LeaveRequest(
        school=school,
        pupil=pupil,
        requested_by=guardian,
        reference=reference_new("LV"),
        submitted_at=timezone.now(),
        start_date=start_date,
        end_date=end_date,
        school_days=days,
        address=address,
        postcode=postcode,
        reason=reason.strip(),
        declaration=declaration,
        signed_name=signed_name.strip(),
    )
    if evidence is not None:
        leave.evidence_name = (evidence.name or "evidence")[-200:]
        leave.evidence.save(
            f"{leave.reference}{EVIDENCE_TYPES[_evidence_type(evidence)]}", evidence, save=False
        )
    leave.save()
    LeaveAdult.objects.bulk_create(LeaveAdult(leave_request=leave, **a.__dict__) for a in adults)
    if guardian.email:
        from absences.tasks import leave_confirmation_task

        leave_confirmation_task.delay_on_commit(leave.pk)
    return leave


@transaction.atomic
def leave_request_decide(
    *,
    leave_request: LeaveRequest,
    user: User,
    granted: bool,
    reason: str,
    today: dt.date,
) -> LeaveRequest:
    """Grant or refuse a pending request, with a reason; granted leave is pre-entered.

    1. Lock the request; only a pending one can be decided, and a reason is required.
    2. Granted: enter C (leave for exceptional circumstances) through `marks_write` for
       the requested sessions the child is on roll for that have no mark yet or an N;
       the marks' history names the request.
    3. After commit, send `leave_decided` (the letters app writes the decision letter).
    """
    leave = LeaveRequest.objects.select_for_update().get(pk=leave_request.pk)
    if leave.status != LeaveStatus.PENDING:
        raise ValidationError("This request has already been decided or withdrawn.")
    if not reason.strip():
        raise ValidationError("Give the reason for the decision.")
    leave.status = LeaveStatus.GRANTED if granted else LeaveStatus.REFUSED
    leave.decision_reason = reason.strip()
    leave.decided_by = user
    leave.decided_by_name = user.get_full_name() or user.username
    leave.decided_on = today
    leave.save(
        update_fields=["status", "decision_reason", "decided_by", "decided_by_name", "decided_on"]
    )
    if granted:
        _enter(
            leave,
            code=rules.LEAVE_GRANTED_CODE,
            user=user,
            replace=("N",),
            until=None,
            source=MarkSource.PARENT_REPORT,
        )
    transaction.on_commit(
        lambda: leave_decided.send(sender=LeaveRequest, leave_request=leave, decided_by=user)
    )
    return leave


@transaction.atomic
def leave_request_withdraw(*, leave_request: LeaveRequest, guardian: Guardian) -> LeaveRequest:
    leave = LeaveRequest.objects.select_for_update().get(pk=leave_request.pk)
    if leave.requested_by_id != guardian.pk:
        raise ValidationError("Only the parent who asked can withdraw the request.")
    if leave.status != LeaveStatus.PENDING:
        raise ValidationError("Only a request still waiting for a decision can be withdrawn.")
    leave.status = LeaveStatus.WITHDRAWN
    leave.save(update_fields=["status"])
    return leave


@transaction.atomic
def leave_taken_mark(*, leave_request: LeaveRequest, user: User, today: dt.date) -> int:
    """Refused leave taken anyway: enter G for its sessions up to today (rules §3.5).

    Sessions with no mark, N or O become G; a session where the child was in school (or
    has another recorded reason) keeps its mark. Returns the number of sessions entered.
    """
    leave = LeaveRequest.objects.select_for_update().get(pk=leave_request.pk)
    if leave.status != LeaveStatus.REFUSED:
        raise ValidationError("Only refused leave is marked G when taken.")
    if leave.start_date > today:
        raise ValidationError("The leave has not started yet.")
    entered = _enter(
        leave,
        code=rules.LEAVE_TAKEN_CODE,
        user=user,
        replace=("N", "O"),
        until=today,
        source=MarkSource.CORRECTION,
    )
    leave.taken_marked_at = timezone.now()
    leave.save(update_fields=["taken_marked_at"])
    return entered


def _enter(
    leave: LeaveRequest,
    *,
    code: str,
    user: User,
    replace: tuple[str, ...],
    until: dt.date | None,
    source: str,
) -> int:
    sessions = [s for s in selectors.leave_sessions(leave) if until is None or s[0] <= until]
    marked = selectors.marked_codes(school=leave.school, pupil=leave.pupil, sessions=sessions)
    wanted = [s for s in sessions if marked.get(s) is None or marked[s] in replace]
    result = marks_write(
        school=leave.school,
        entries=[MarkEntry(leave.pupil_id, day, half, code) for day, half in wanted],
        user=user,
        source=source,
        reason=f"Leave request {leave.reference}: {leave.get_status_display().lower()}",
    )
    leave.marks.add(*result.created, *(c.mark for c in result.changed))
    return len(result.created) + len(result.changed)
