"""Correcting one mark from the register screens (rules §5.10, scenario S26)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from registers.models import MarkSource, Pupil, School, User
from registers.services.marks import MarkEntry, WriteResult, marks_write


@transaction.atomic
def mark_correct(
    *,
    school: School,
    pupil: Pupil,
    day: dt.date,
    session: str,
    code: str,
    reason: str,
    user: User,
    minutes_late: int | None = None,
    now: dt.datetime | None = None,
) -> WriteResult:
    """Record or amend the mark for one session, with the reason for the amendment.

    A reason is required: the amended register must show why (rules §5.10). `marks_write`
    checks the calendar and the roll and writes the `MarkChange` that keeps the
    original entry.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason for the change."})
    entry = MarkEntry(
        pupil_id=pupil.id, date=day, session=session, code=code, minutes_late=minutes_late
    )
    return marks_write(
        school=school,
        entries=[entry],
        user=user,
        source=MarkSource.CORRECTION,
        reason=reason,
        now=now,
    )
