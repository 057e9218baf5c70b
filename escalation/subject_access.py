"""Escalation's part of a subject access export (status, weekly figures, case, duties,
decisions, support plans, contracts, notes), and the pupil page's link to the export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest

from escalation.models import Case, Duty, PupilStatus, PupilWeek
from escalation.models.support import (
    AttendanceContract,
    PupilNote,
    SupportPlan,
    ThresholdDecision,
)
from registers.models import Pupil, School
from registers.permissions import Capability, capabilities_at
from registers.subject_access import Entry, SubjectAccessSource, record, user_fields


def _rows(
    model: Any, *, pupil: Pupil, school: School, order: tuple[str, ...]
) -> list[dict[str, Any]]:
    rows = model.objects.filter(school=school, pupil=pupil).order_by(*order)
    return [record(row) for row in rows.select_related(*user_fields(model))]


def _case(*, pupil: Pupil, school: School) -> dict[str, Any] | None:
    case = Case.objects.filter(school=school, pupil=pupil).first()
    if case is None:
        return None
    events = case.events.select_related("by").order_by("at", "id")
    return record(case, events=[record(e) for e in events])


def escalation_subject_access(*, pupil: Pupil, school: School) -> Iterator[Entry]:
    status = PupilStatus.objects.filter(school=school, pupil=pupil).first()
    yield Entry("escalation/status.json", record(status) if status else None)
    weeks = ("year_start", "monday")
    yield Entry(
        "escalation/weekly_figures.json", _rows(PupilWeek, pupil=pupil, school=school, order=weeks)
    )
    yield Entry("escalation/case.json", _case(pupil=pupil, school=school))
    for name, model, order in (
        ("duties", Duty, ("due_on", "id")),
        ("threshold_decisions", ThresholdDecision, ("decided_on", "id")),
        ("support_plans", SupportPlan, ("meeting_date", "id")),
        ("attendance_contracts", AttendanceContract, ("meeting_at", "id")),
        ("notes_and_contacts", PupilNote, ("occurred_on", "id")),
    ):
        yield Entry(
            f"escalation/{name}.json", _rows(model, pupil=pupil, school=school, order=order)
        )


ESCALATION_SOURCE = SubjectAccessSource(
    key="escalation",
    description=(
        "The attendance status the system computed (figures, persistent absence, the "
        "national threshold, risk of persistent absence) and the weekly figures behind it; "
        "the escalation case with every proposal and decision; duties raised (such as "
        "telling the local authority); threshold decisions; attendance support plans and "
        "contracts; and the notes and contact log kept by staff."
    ),
    collect=escalation_subject_access,
    covers=(
        "escalation.PupilStatus",
        "escalation.PupilWeek",
        "escalation.Case",
        "escalation.CaseEvent",
        "escalation.Duty",
        "escalation.ThresholdDecision",
        "escalation.SupportPlan",
        "escalation.AttendanceContract",
        "escalation.PupilNote",
    ),
    leaves_out={
        "escalation.DirtyPupil": (
            "a work queue saying the status is about to be recomputed; it holds no information"
        ),
    },
    order=20,
)


def export_panel_context(
    *, request: HttpRequest, school: School, pupil: Pupil
) -> dict[str, Any] | None:
    """The link to the subject access export, for those who may make one."""
    return {} if Capability.MANAGE_SCHOOL in capabilities_at(request.user, school) else None
