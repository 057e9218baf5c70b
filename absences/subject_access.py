"""The absences app's part of a subject access export: parents' absence reports, leave
requests (with the evidence uploaded) and first-day calls about the pupil."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from absences.models import AbsenceReport, CallAttempt, LeaveRequest
from registers.models import Mark, Pupil, School
from registers.subject_access import Entry, SubjectAccessSource, record, user_fields


def _sessions(marks: QuerySet[Mark]) -> list[dict[str, str]]:
    """The marks a report or request entered, as the sessions and codes (the marks
    themselves, with their history, are in registers/marks/)."""
    rows = marks.order_by("date", "session").values_list("date", "session", "code_id")
    return [{"date": d.isoformat(), "session": s, "code": c} for d, s, c in rows]


def _evidence(leave: LeaveRequest) -> Entry | None:
    if not leave.evidence:
        return None
    try:
        with leave.evidence.open("rb") as handle:
            content = handle.read()
    except OSError:  # listed on the request as missing rather than failing the export
        return None
    extension = posixpath.splitext(leave.evidence.name)[1].lower()
    return Entry(f"absences/leave_requests/{leave.reference}-evidence{extension}", content=content)


def _leave(leave: LeaveRequest, evidence: Entry | None) -> dict[str, Any]:
    return record(
        leave,
        adults=[record(a, exclude=["leave_request"]) for a in leave.adults.order_by("id")],
        sessions=_sessions(leave.marks.all()),
        evidence_file=evidence.path if evidence else None,
    )


def absences_subject_access(*, pupil: Pupil, school: School) -> Iterator[Entry]:
    reports = AbsenceReport.objects.filter(school=school, pupil=pupil)
    reports = reports.select_related(*user_fields(AbsenceReport)).order_by("submitted_at", "id")
    yield Entry(
        "absences/absence_reports.json",
        [record(r, sessions=_sessions(r.marks.all())) for r in reports],
    )
    leaves = LeaveRequest.objects.filter(school=school, pupil=pupil)
    rows = []
    for leave in leaves.select_related(*user_fields(LeaveRequest)).order_by("submitted_at", "id"):
        evidence = _evidence(leave)
        if evidence is not None:
            yield evidence
        rows.append(_leave(leave, evidence))
    yield Entry("absences/leave_requests.json", rows)
    calls = CallAttempt.objects.filter(school=school, pupil=pupil)
    calls = calls.select_related(*user_fields(CallAttempt)).order_by("made_at", "id")
    yield Entry("absences/first_day_calls.json", [record(c) for c in calls])


ABSENCES_SOURCE = SubjectAccessSource(
    key="absences",
    description=(
        "What parents and carers reported about absences and the office's handling of each "
        "report; requests for leave of absence in term time with the adults named, the "
        "evidence uploaded and the headteacher's decision; and the first-day calls made "
        "about the pupil's absences and what came of them."
    ),
    collect=absences_subject_access,
    covers=(
        "absences.AbsenceReport",
        "absences.LeaveRequest",
        "absences.LeaveAdult",
        "absences.CallAttempt",
    ),
    leaves_out={
        "absences.SignInLink": "parents' one-time sign-in links: secrets, and about the parent",
        "unmatched absence reports": (
            "reports the office has not yet matched to the pupil (search by the child's name)"
        ),
    },
    order=30,
)
