"""A threshold decision opens the next step its outcome calls for (through the engine's
own service and signal, sent after commit)."""

from __future__ import annotations

import datetime as dt

import pytest

from escalation.models import ThresholdDecision
from escalation.services.status import status_recompute_pupils
from escalation.services.support import threshold_decision_record
from penalties.models import NoticeToImprove, NTIStatus, PenaltyRequest, RequestStatus
from tests.penalties.conftest import HOLIDAY, absent

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def _decide(school, pupil, user, outcome, django_capture_on_commit_callbacks):
    """S8's refused holiday (10 × G), the engine's status computed, then the decision."""
    absent(school, pupil, HOLIDAY)
    status_recompute_pupils(school=school, pupil_ids=[pupil.pk], today=D("2025-01-13"))
    decision = ThresholdDecision(
        support_appropriate="yes",
        sufficient_support_provided="yes",
        penalty_best_tool="yes",
        equality_considerations="None identified.",
        outcome=outcome,
        rationale="Support was offered and not taken up.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        threshold_decision_record(
            decision=decision, school=school, pupil=pupil, user=user, today=D("2025-01-13")
        )
    return decision


def test_a_notice_to_improve_decision_opens_one(
    letterhead, family, lead, django_capture_on_commit_callbacks
) -> None:
    decision = _decide(letterhead, family.c1, lead, "nti", django_capture_on_commit_callbacks)
    nti = NoticeToImprove.objects.get(decision=decision)
    assert nti.status == NTIStatus.DRAFT and nti.created_by == lead
    assert set(nti.guardians.all()) == {family.p1, family.p2}


def test_a_penalty_decision_opens_a_request_over_the_window(
    letterhead, family, lead, django_capture_on_commit_callbacks
) -> None:
    decision = _decide(letterhead, family.c1, lead, "penalty", django_capture_on_commit_callbacks)
    request = PenaltyRequest.objects.get(decision=decision)
    assert request.status == RequestStatus.DRAFT
    assert decision.window_start is not None and decision.window_start <= HOLIDAY[0]
    assert (request.offence_start, request.offence_end) == (
        decision.window_start,
        decision.window_end,
    )


@pytest.mark.parametrize("outcome", ["support", "other", "none"])
def test_other_outcomes_open_nothing(
    letterhead, family, lead, django_capture_on_commit_callbacks, outcome
) -> None:
    _decide(letterhead, family.c1, lead, outcome, django_capture_on_commit_callbacks)
    assert not NoticeToImprove.objects.exists() and not PenaltyRequest.objects.exists()
