"""First-day calling: the office logs each call about a pupil marked N today."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from absences import selectors
from absences.models import AbsenceSettings, CallAttempt, CallOutcome
from registers.models import Guardian, Pupil, PupilGuardian, School, User


@transaction.atomic
def call_attempt_record(
    *,
    school: School,
    pupil: Pupil,
    day: dt.date,
    guardian: Guardian | None,
    outcome: str,
    reason_given: str,
    user: User,
    now: dt.datetime | None = None,
) -> CallAttempt:
    """Log one call and its outcome; a conversation must say what the parent said.

    The call log does not change the register: the office enters the code the reason
    supports on the register (or through a parent report), keeping one audited writer.
    """
    if outcome not in CallOutcome.values:
        raise ValidationError("Choose the outcome of the call.")
    if not selectors.pupils_on_roll(school, day).filter(pk=pupil.pk).exists():
        raise ValidationError("That pupil is not on roll on that day.")
    phone = ""
    if guardian is not None:
        if not PupilGuardian.objects.filter(pupil=pupil, guardian=guardian).exists():
            raise ValidationError("That contact is not one of the pupil's.")
        phone = guardian.phone
    if outcome == CallOutcome.SPOKE and not reason_given.strip():
        raise ValidationError("Write down the reason the parent or carer gave.")
    return CallAttempt.objects.create(
        school=school,
        pupil=pupil,
        date=day,
        guardian=guardian,
        phone=phone,
        outcome=outcome,
        reason_given=reason_given.strip(),
        made_by=user,
        made_by_name=user.get_full_name() or user.username,
        made_at=now or timezone.now(),
    )


@transaction.atomic
def calling_time_set(*, school: School, calling_time: dt.time) -> AbsenceSettings:
    if not dt.time(7, 0) <= calling_time <= dt.time(12, 0):
        raise ValidationError("Choose a time between 07:00 and 12:00.")
    found, _created = AbsenceSettings.objects.update_or_create(
        school=school, defaults={"calling_time": calling_time}
    )
    return found
