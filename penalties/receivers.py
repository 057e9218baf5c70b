"""Open the next step when a threshold decision calls for one (connected in `ready()`)."""

from __future__ import annotations

from typing import Any

from escalation.models import ThresholdDecision
from escalation.models.support import ThresholdOutcome
from registers.models import User


def on_threshold_decided(
    sender: object, *, decision: ThresholdDecision, user: User | None, **kwargs: Any
) -> None:
    """A decision to send a notice to improve opens one to prepare; a decision to request
    a penalty notice opens a request over the decision's threshold window. Both wait for a
    person to issue or request them, after seeing each parent's 3-year count."""
    from penalties.services.notices import penalty_request_open
    from penalties.services.nti import nti_open

    common = {
        "school": decision.school,
        "pupil": decision.pupil,
        "user": user,
        "today": decision.decided_on,
        "decision": decision,
    }
    if decision.outcome == ThresholdOutcome.NOTICE_TO_IMPROVE:
        nti_open(**common)
    elif decision.outcome == ThresholdOutcome.PENALTY_NOTICE:
        penalty_request_open(**common)


def on_pupils_purging(
    sender: object, *, pupil_ids: frozenset[int], **kwargs: Any
) -> dict[str, int]:
    """The retention purge is about to delete these pupils. Everything of theirs here
    CASCADEs from the pupil, but a notice PROTECTs its request, which would stop the
    cascade: the notices go first."""
    from penalties.models import PenaltyNotice

    return PenaltyNotice.objects.filter(pupil_id__in=pupil_ids).delete()[1]
