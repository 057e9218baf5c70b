"""The support-first ladder as cases: proposals, decisions and history, on §6.0 dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from escalation.models import Case, CaseEventKind, PolicyConfig
from escalation.services.cases import case_decide, cases_propose
from escalation.services.status import status_recompute_pupils
from tests.escalation.helpers import fill, write
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def _recompute(school, pupil, today: str) -> None:
    status_recompute_pupils(school=school, pupil_ids=[pupil.pk], today=D(today))
    cases_propose(school=school, today=D(today))


@pytest.fixture
def poor_attender(school):
    """Present every session of autumn 2024 except 2 × I a week from w/c 9 Sep: 90%."""
    pupil = PupilFactory(school=school)
    fill(school, pupil, "2024-09-03", "2024-12-20")
    write(school, pupil, [(f"2024-09-{d:02d}", "AM", "I") for d in (9, 10, 16, 17, 23, 24)])
    return pupil


def test_stage_one_is_proposed_below_96_percent_and_only_once(school, poor_attender, lead):
    _recompute(school, poor_attender, "2024-09-27")
    case = Case.objects.get(pupil=poor_attender)
    assert (case.stage, case.proposed_stage, case.proposed_action) == (0, 1, "letter_1")
    assert "below 96" in case.proposed_reasons[0]
    cases_propose(school=school, today=D("2024-09-27"))
    assert case.events.count() == 1


def test_accepting_moves_the_stage_and_keeps_the_history(school, poor_attender, lead):
    _recompute(school, poor_attender, "2024-09-27")
    case = Case.objects.get(pupil=poor_attender)
    case_decide(case=case, decision="accept", user=lead, today=D("2024-09-27"), note="Sent.")
    case.refresh_from_db()
    assert (case.stage, case.stage_since, case.proposed_stage) == (1, D("2024-09-27"), None)
    assert (case.stage_attended, case.stage_possible) == (32, 38)
    kinds = list(case.events.values_list("kind", "by_name", "note"))
    assert kinds[0][0] == CaseEventKind.PROPOSED
    assert kinds[1] == (CaseEventKind.ACCEPTED, lead.get_full_name(), "Sent.")


def test_no_improvement_after_six_school_weeks_proposes_stage_two(school, poor_attender, lead):
    """Stage 1 accepted in SW4 (w/c 23 Sep); SW10 (w/c 11 Nov) is 6 school weeks on,
    across half term."""
    _recompute(school, poor_attender, "2024-09-27")
    case = Case.objects.get(pupil=poor_attender)
    case_decide(case=case, decision="accept", user=lead, today=D("2024-09-27"))
    # 32/38 (84.2%) at acceptance; by Mon 11 Nov 72/90 (80.0%): no improvement.
    days = ["2024-10-01", "2024-10-08", "2024-10-15", "2024-10-22", "2024-11-04", "2024-11-05"]
    write(school, poor_attender, [(d, s, "I") for d in days for s in ("AM", "PM")])
    _recompute(school, poor_attender, "2024-11-08")  # SW9: 5 weeks, too early
    case.refresh_from_db()
    assert case.proposed_stage is None
    _recompute(school, poor_attender, "2024-11-11")
    case.refresh_from_db()
    assert (case.proposed_stage, case.proposed_action) == (2, "letter_2_and_support_meeting")


def test_declining_needs_a_reason_and_keeps_the_engine_quiet(school, poor_attender, lead):
    _recompute(school, poor_attender, "2024-09-27")
    case = Case.objects.get(pupil=poor_attender)
    with pytest.raises(ValidationError):
        case_decide(case=case, decision="decline", user=lead, today=D("2024-09-27"))
    case_decide(
        case=case, decision="decline", user=lead, today=D("2024-09-27"), note="Bereavement."
    )
    case.refresh_from_db()
    assert (case.stage, case.snoozed_until) == (0, D("2024-10-25"))
    cases_propose(school=school, today=D("2024-10-24"))
    case.refresh_from_db()
    assert case.proposed_stage is None
    cases_propose(school=school, today=D("2024-10-25"))
    case.refresh_from_db()
    assert case.proposed_stage == 1


def test_deferring_asks_again_after_the_date(school, poor_attender, lead):
    _recompute(school, poor_attender, "2024-09-27")
    case = Case.objects.get(pupil=poor_attender)
    with pytest.raises(ValidationError):
        case_decide(case=case, decision="defer", user=lead, today=D("2024-09-27"))
    event = case_decide(
        case=case, decision="defer", user=lead, today=D("2024-09-27"), until=D("2024-10-07")
    )
    assert event.until == D("2024-10-07")
    cases_propose(school=school, today=D("2024-10-07"))
    case.refresh_from_db()
    assert case.proposed_stage == 1


def test_a_proposal_that_no_longer_applies_is_withdrawn(school, poor_attender):
    _recompute(school, poor_attender, "2024-09-27")
    write(school, poor_attender, [(f"2024-09-{d:02d}", "AM", "/") for d in (9, 10, 16, 17, 23, 24)])
    _recompute(school, poor_attender, "2024-09-27")
    case = Case.objects.get(pupil=poor_attender)
    assert case.proposed_stage is None
    assert list(case.events.values_list("kind", flat=True)) == [
        CaseEventKind.PROPOSED,
        CaseEventKind.WITHDRAWN,
    ]


def test_a_refused_holiday_meeting_the_threshold_proposes_a_penalty_request(school):
    """S8: 10 × G on 10–14 Mar 2025 meet the threshold; support first is not appropriate."""
    pupil = PupilFactory(school=school)
    fill(school, pupil, "2025-03-03", "2025-03-07")
    write(school, pupil, [(f"2025-03-{d}", s, "G") for d in range(10, 15) for s in ("AM", "PM")])
    _recompute(school, pupil, "2025-03-14")
    case = Case.objects.get(pupil=pupil)
    assert (case.proposed_stage, case.proposed_action) == (4, "penalty_notice_request")


def test_a_school_policy_sets_a_local_threshold(school):
    """Dudley's 12 sessions in 12 school weeks, configured for the school's authority."""
    school.local_authority = "Dudley"
    school.save()
    PolicyConfig.objects.create(
        local_authority="Dudley",
        settings={
            "local_threshold_label": "Dudley ESS",
            "local_threshold_limit": 12,
            "local_threshold_weeks": 12,
        },
    )
    pupil = PupilFactory(school=school)
    write(
        school,
        pupil,
        [(f"2025-03-{d}", s, "O") for d in range(10, 16) if d < 15 for s in ("AM", "PM")],
    )
    write(school, pupil, [("2025-03-17", "AM", "U"), ("2025-03-18", "AM", "U")])
    status_recompute_pupils(school=school, pupil_ids=[pupil.pk], today=D("2025-03-18"))
    from escalation.models import PupilStatus

    status = PupilStatus.objects.get(pupil=pupil)
    assert status.local_threshold_label == "Dudley ESS"
    assert (status.local_threshold_sessions_in_window, status.local_threshold_met_now) == (12, True)
    assert status.local_threshold_first_met_on == D("2025-03-18")
    assert status.threshold_first_met_on == D("2025-03-14")
