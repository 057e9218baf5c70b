"""A pupil with a stored status and two parents at different addresses, for letters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from escalation.models import PupilStatus
from registers.models import Pupil, School
from tests.registers.factories import GuardianFactory, PupilFactory, PupilGuardianFactory

AS_OF = dt.date(2025, 3, 14)


def status_for(school: School, pupil: Pupil, **overrides: object) -> PupilStatus:
    values: dict[str, object] = {
        "as_of": AS_OF,
        "computed_at": timezone.now(),
        "academic_year": "2024/25",
        "possible": 230,
        "attended": 210,
        "authorised": 14,
        "unauthorised": 6,
        "attendance_rate": Decimal("91.3"),
        "late_before_close_half_term": 8,
        "late_after_close_half_term": 3,
        "late_before_close_year": 12,
        "late_after_close_year": 4,
        "illness_year": 10,
        "threshold_sessions_in_window": 11,
        "threshold_window_start": dt.date(2025, 1, 6),
        "threshold_window_end": dt.date(2025, 3, 14),
        "threshold_met_now": True,
        "threshold_first_met_on": dt.date(2025, 3, 12),
        "threshold_met_dates": ["2025-03-12"],
    }
    values.update(overrides)
    return PupilStatus.objects.create(school=school, pupil=pupil, **values)


def family(school: School, *, forename: str = "Sam", surname: str = "Example", **status) -> Pupil:
    """A pupil on roll at `school` with two parents with parental responsibility (at
    different addresses), a step-parent without it, and a stored status."""
    pupil = PupilFactory(school=school, forename=forename, surname=surname)
    mother = GuardianFactory(
        name=f"Alex {surname}", address="1 Church Road\nHatfield", postcode="AL10 0AB"
    )
    father = GuardianFactory(
        name=f"Chris {surname}", address="22 Mill Lane\nWelwyn", postcode="AL6 9EE"
    )
    step = GuardianFactory(name=f"Robin Stepparent{surname}")
    PupilGuardianFactory(pupil=pupil, guardian=mother, priority=1)
    PupilGuardianFactory(pupil=pupil, guardian=father, relationship="Father", priority=2)
    PupilGuardianFactory(
        pupil=pupil,
        guardian=step,
        relationship="Step-parent",
        parental_responsibility=False,
        priority=3,
    )
    status_for(school, pupil, **status)
    return pupil
