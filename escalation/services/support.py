"""Record the decisions and support records people make about a pupil."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from escalation import signals
from escalation.models import PupilStatus
from escalation.models.support import Recorded, Reviewable, ThresholdDecision
from registers.models import Pupil, School, User


def _stamp(record: Recorded, *, school: School, pupil: Pupil, user: User) -> None:
    record.school, record.pupil = school, pupil
    record.recorded_by = user
    record.recorded_by_name = user.get_full_name() or user.username
    record.recorded_by_position = user.position
    record.recorded_at = timezone.now()


@transaction.atomic
def record_save(*, record: Recorded, school: School, pupil: Pupil, user: User) -> Recorded:
    """Save a new support plan, contract or note, stamped with its author."""
    _stamp(record, school=school, pupil=pupil, user=user)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def threshold_decision_record(
    *, decision: ThresholdDecision, school: School, pupil: Pupil, user: User, today: dt.date
) -> ThresholdDecision:
    """Record the decision on the threshold's current episode (rules §3.4), with the
    threshold's figures as they stand, so a later re-coding cannot change what was
    decided on. Refuses when the threshold is not met now, and refuses a penalty notice
    where the parent already had two for this child in three years (rules §4.4)."""
    status = PupilStatus.objects.select_for_update().filter(school=school, pupil=pupil).first()
    if status is None or not status.threshold_met_now or status.threshold_first_met_on is None:
        raise ValidationError("The national threshold is not met now: there is nothing to decide.")
    if decision.outcome == "penalty" and decision.prior_notices_3_years >= 2:
        raise ValidationError(
            "A third penalty notice within 3 years cannot be issued: choose another tool."
        )
    met = [dt.date.fromisoformat(d) for d in status.threshold_met_dates]
    decision.met_on = max([*met, status.threshold_first_met_on])
    decision.provisional = status.threshold_provisional
    decision.window_start = status.threshold_window_start
    decision.window_end = status.threshold_window_end
    decision.sessions_in_window = status.threshold_sessions_in_window
    decision.holiday_sessions = status.threshold_holiday_sessions
    decision.decided_on = today
    _stamp(decision, school=school, pupil=pupil, user=user)
    decision.full_clean()
    decision.save()
    transaction.on_commit(
        lambda: signals.threshold_decided.send(
            sender=ThresholdDecision, decision=decision, user=user
        )
    )
    return decision


@transaction.atomic
def review_record(*, record: Reviewable, reviewed_on: dt.date, notes: str) -> Reviewable:
    """Close a plan's or contract's review reminder with the review meeting's notes."""
    if record.reviewed_on is not None:
        raise ValidationError("This review is already recorded.")
    record.reviewed_on, record.review_notes = reviewed_on, notes
    record.save(update_fields=["reviewed_on", "review_notes"])
    return record
