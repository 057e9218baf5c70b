"""The penalties app's part of a subject access export: notices to improve, penalty
notice requests and notices, the sessions they cover, other tools used instead, and the
log of what staff did."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from penalties.models import (
    AlternativeAction,
    CoveredSession,
    InterventionEvent,
    NoticeToImprove,
    PenaltyNotice,
    PenaltyRequest,
)
from registers.models import Pupil, School
from registers.subject_access import Entry, SubjectAccessSource, record, user_fields


def _rows(
    model: Any, *, pupil: Pupil, school: School, order: tuple[str, ...]
) -> list[dict[str, Any]]:
    rows = model.objects.filter(school=school, pupil=pupil).select_related(*user_fields(model))
    return [record(row) for row in rows.order_by(*order)]


def _notices_to_improve(*, pupil: Pupil, school: School) -> list[dict[str, Any]]:
    ntis = NoticeToImprove.objects.filter(school=school, pupil=pupil)
    ntis = ntis.select_related(*user_fields(NoticeToImprove)).prefetch_related("guardians")
    return [
        record(nti, guardian_ids=sorted(g.pk for g in nti.guardians.all()))
        for nti in ntis.order_by("created_at", "id")
    ]


def penalties_subject_access(*, pupil: Pupil, school: School) -> Iterator[Entry]:
    yield Entry(
        "penalties/notices_to_improve.json", _notices_to_improve(pupil=pupil, school=school)
    )
    for name, model, order in (
        ("penalty_requests", PenaltyRequest, ("created_at", "id")),
        ("penalty_notices", PenaltyNotice, ("requested_on", "id")),
        ("covered_sessions", CoveredSession, ("date", "session")),
        ("alternative_actions", AlternativeAction, ("decided_on", "id")),
        ("actions_log", InterventionEvent, ("at", "id")),
    ):
        yield Entry(f"penalties/{name}.json", _rows(model, pupil=pupil, school=school, order=order))


PENALTIES_SOURCE = SubjectAccessSource(
    key="penalties",
    description=(
        "Legal interventions under the National Framework: notices to improve with their "
        "improvement periods and outcomes; requests to the local authority for penalty "
        "notices and each notice (issue, payment, withdrawal, prosecution); the sessions "
        "of absence each covers; other tools used instead; and the log of what staff did."
    ),
    collect=penalties_subject_access,
    covers=(
        "penalties.NoticeToImprove",
        "penalties.PenaltyRequest",
        "penalties.PenaltyNotice",
        "penalties.CoveredSession",
        "penalties.AlternativeAction",
        "penalties.InterventionEvent",
    ),
    order=50,
)
