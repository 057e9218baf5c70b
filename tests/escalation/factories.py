"""Rows of every escalation model, for admin and dashboard tests.

`tests/registers/test_admin.py` needs one row per registered model; its fixture can call
`escalation_rows(school=school, pupil=pupil, user=superuser)`.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from escalation.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    Duty,
    DutyKind,
    PolicyConfig,
    PupilStatus,
    PupilWeek,
)
from registers.models import Pupil, School, User


def escalation_rows(*, school: School, pupil: Pupil, user: User) -> Case:
    now = timezone.now()
    today = dt.date(2024, 9, 6)
    PupilWeek.objects.create(
        school=school, pupil=pupil, monday=dt.date(2024, 9, 2), year_start=dt.date(2024, 9, 1)
    )
    PupilStatus.objects.create(
        school=school, pupil=pupil, as_of=today, computed_at=now, academic_year="2024/25"
    )
    PolicyConfig.objects.create(school=school, settings={"concern_below_rate": "95"})
    Duty.objects.create(
        kind=DutyKind.N_UNRESOLVED,
        school=school,
        pupil=pupil,
        key="2024-09-03 AM",
        due_on=dt.date(2024, 9, 10),
        raised_at=now,
    )
    case = Case.objects.create(
        school=school, pupil=pupil, proposed_stage=1, proposed_action="letter_1", proposed_on=today
    )
    CaseEvent.objects.create(
        case=case,
        kind=CaseEventKind.PROPOSED,
        stage_from=0,
        stage_to=1,
        action="letter_1",
        reasons=["attendance 90.0% is below 96.0%"],
        by=user,
        at=now,
        on=today,
    )
    return case
