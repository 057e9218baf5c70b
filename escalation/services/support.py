"""Record the decisions and support records people make about a pupil."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from escalation import signals
from escalation.models import PupilStatus
from escalation.models.support import Recorded, Reviewable, ThresholdDecision
from escalation.services.status import status_recompute_pupils
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
    episode's figures as they stand, so a later re-coding cannot change what was
    decided on, and close the episode: the next counts only the qualifying sessions
    after the last one this one counted (rules §0.5). Refuses when no episode is met
    and undecided, and refuses a penalty notice where the parent already had two for
    this child in three years (rules §4.4)."""
    status = PupilStatus.objects.select_for_update().filter(school=school, pupil=pupil).first()
    if status is None or not status.threshold_episode_met:
        raise ValidationError(
            "The national threshold is not met since the last decision: there is nothing to decide."
        )
    if decision.outcome == "penalty" and decision.prior_notices_3_years >= 2:
        raise ValidationError(
            "A third penalty notice within 3 years cannot be issued: choose another tool."
        )
    decision.met_on = status.threshold_episode_met_on
    decision.provisional = status.threshold_episode_provisional
    decision.window_start = status.threshold_episode_window_start
    decision.window_end = status.threshold_episode_window_end
    decision.last_session_on = status.threshold_episode_last_on
    decision.last_session_pm = status.threshold_episode_last_pm
    decision.sessions_in_window = status.threshold_episode_sessions
    decision.holiday_sessions = status.threshold_holiday_sessions
    decision.decided_on = today
    _stamp(decision, school=school, pupil=pupil, user=user)
    decision.full_clean()
    decision.save()
    # The episode is closed: the pupil's status now shows the next one.
    status_recompute_pupils(school=school, pupil_ids=[pupil.pk], today=today, dates=[])
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
