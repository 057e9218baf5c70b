"""Decisions and support records: the threshold decision, case steps, plans, contracts,
reviews and notes, with their personas."""

# ruff: noqa: F811 (the shared fixtures are imported, then named as test arguments)
from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from escalation.models import (
    AttendanceContract,
    Case,
    CaseEvent,
    PupilNote,
    SupportPlan,
    ThresholdDecision,
)
from registers.models import Role, School, User
from tests.escalation.test_dashboard_selectors import TODAY, Pupils, on_today, pupils  # noqa: F401

pytestmark = pytest.mark.django_db
DECISION = {
    "support_appropriate": "no",
    "sufficient_support_provided": "n/a",
    "support_offered": "",
    "penalty_best_tool": "yes",
    "equality_considerations": "None identified after speaking to the family.",
    "prior_notices_3_years": "0",
    "public_interest": "",
    "outcome": "penalty",
    "rationale": "A week's holiday taken after leave was refused.",
}


def _url(name: str, school: School, pupil, **kwargs) -> str:
    return reverse(name, kwargs={"urn": school.urn, "pupil_id": pupil.pk, **kwargs})


@pytest.mark.parametrize(
    "name", ["dashboard_threshold_decision", "dashboard_plan_new", "dashboard_contract_new"]
)
@pytest.mark.parametrize("role", [Role.TEACHER, Role.OFFICE, Role.GOVERNOR])
def test_roles_that_do_not_manage_cases_get_404(
    client: Client, personas: dict[Role, User], school: School, pupils: Pupils, name, role
) -> None:
    client.force_login(personas[role])
    assert client.get(_url(name, school, pupils.tess)).status_code == 404


def test_another_schools_head_gets_404(client: Client, outsider: User, school, pupils) -> None:
    client.force_login(outsider)
    assert client.get(_url("dashboard_threshold_decision", school, pupils.tess)).status_code == 404


def test_it_requires_login(client: Client, school: School, pupils: Pupils) -> None:
    response = client.get(_url("dashboard_plan_new", school, pupils.tess))
    assert response["Location"].startswith(reverse("login"))


def test_the_lead_records_the_threshold_decision(
    client: Client, lead: User, school: School, pupils: Pupils
) -> None:
    client.force_login(lead)
    url = _url("dashboard_threshold_decision", school, pupils.tess)
    assert client.get(url).status_code == 200
    response = client.post(url, DECISION)
    assert response.status_code == 302
    decision = ThresholdDecision.objects.get(pupil=pupils.tess)
    assert decision.sessions_in_window == 10 and decision.holiday_sessions == 10
    assert decision.met_on == dt.date(2025, 1, 10) and decision.recorded_by == lead
    page = client.get(_url("dashboard_pupil", school, pupils.tess)).content.decode()
    assert "Request a penalty notice" in page and "Record the threshold decision" not in page


def test_it_refuses_a_decision_when_the_threshold_is_not_met(
    client: Client, lead: User, school: School, pupils: Pupils
) -> None:
    client.force_login(lead)
    response = client.post(_url("dashboard_threshold_decision", school, pupils.nora), DECISION)
    assert response.status_code == 400
    assert "nothing to decide" in response.content.decode()
    assert not ThresholdDecision.objects.exists()


def test_it_refuses_a_third_penalty_notice(client: Client, lead: User, school, pupils) -> None:
    client.force_login(lead)
    response = client.post(
        _url("dashboard_threshold_decision", school, pupils.tess),
        {**DECISION, "prior_notices_3_years": "2"},
    )
    assert response.status_code == 400
    assert "third penalty notice" in response.content.decode()


def test_a_missing_rationale_is_an_error(client: Client, lead: User, school, pupils) -> None:
    client.force_login(lead)
    response = client.post(
        _url("dashboard_threshold_decision", school, pupils.tess), {**DECISION, "rationale": ""}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def _proposal(school: School, pupil) -> Case:
    return Case.objects.create(
        school=school,
        pupil=pupil,
        proposed_stage=1,
        proposed_action="letter_1",
        proposed_reasons=["attendance below 96.0%"],
        proposed_on=TODAY,
    )


def test_the_lead_accepts_a_proposed_step(client: Client, lead: User, school, pupils) -> None:
    case = _proposal(school, pupils.nora)
    client.force_login(lead)
    page = client.get(_url("dashboard_pupil", school, pupils.nora)).content.decode()
    assert "Record decision" in page
    response = client.post(
        _url("dashboard_case_decide", school, pupils.nora), {"decision": "accept", "note": "ok"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == 1 and not case.has_proposal
    assert CaseEvent.objects.get(case=case).by == lead


def test_declining_needs_a_reason(client: Client, lead: User, school, pupils) -> None:
    _proposal(school, pupils.nora)
    client.force_login(lead)
    response = client.post(
        _url("dashboard_case_decide", school, pupils.nora), {"decision": "decline", "note": ""}
    )
    assert response.status_code == 400
    assert "Say why the proposal is declined." in response.content.decode()


def test_deferring_needs_a_later_date(client: Client, lead: User, school, pupils) -> None:
    case = _proposal(school, pupils.nora)
    client.force_login(lead)
    url = _url("dashboard_case_decide", school, pupils.nora)
    assert client.post(url, {"decision": "defer"}).status_code == 400
    response = client.post(url, {"decision": "defer", "until": "2025-02-03"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.snoozed_until == dt.date(2025, 2, 3)


def test_a_teacher_cannot_decide(client: Client, teacher: User, school, pupils) -> None:
    _proposal(school, pupils.nora)
    client.force_login(teacher)
    response = client.post(
        _url("dashboard_case_decide", school, pupils.nora), {"decision": "accept"}
    )
    assert response.status_code == 404


PLAN = {
    "meeting_date": "2025-01-15", "attendees": "Pat Holiday (mother)\nA. Lead (attendance lead)",
    "data_analysis": "93.3%, a week's holiday in January.", "push_factors": "Loves football club.",
    "pull_factors": "Family trips.", "who_could_help": "Family support worker.",
    "early_help": "Discussed; declined for now.", "early_help_meeting_on": "",
    "school_actions": "Weekly check-in.", "parent_actions": "Book holidays in the school holidays.",
    "professional_actions": "", "pupil_actions": "Come to football club.",
    "targets": "No unauthorised absence in the next 6 weeks.", "start_date": "2025-01-16",
    "review_date": "2025-01-15",
}  # fmt: skip


def test_a_support_plan_is_recorded_and_its_review_reminded(
    client: Client, lead: User, school: School, pupils: Pupils
) -> None:
    client.force_login(lead)
    response = client.post(_url("dashboard_plan_new", school, pupils.tess), PLAN)
    assert response.status_code == 302
    plan = SupportPlan.objects.get()
    reviews = reverse("dashboard_flags", kwargs={"urn": school.urn, "flag": "reviews"})
    assert [s.pupil for s in client.get(reviews).context["page"]] == [pupils.tess]
    assert (
        "Review due 15 Jan 2025"
        in client.get(_url("dashboard_pupil", school, pupils.tess)).content.decode()
    )
    review = _url("dashboard_review", school, pupils.tess, kind="plan", pk=plan.pk)
    response = client.post(review, {"reviewed_on": "2025-01-15", "review_notes": "Going well."})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.reviewed_on == TODAY
    assert list(client.get(reviews).context["page"]) == []


def test_an_attendance_contract_is_recorded(client: Client, lead: User, school, pupils) -> None:
    client.force_login(lead)
    response = client.post(
        _url("dashboard_contract_new", school, pupils.nora),
        {
            "meeting_at": "2025-01-15T09:30", "venue": "School office",
            "parent_names": "Nia Near", "present": "Nia Near\nA. Lead",
            "needs_discussed": "Mornings are hard.", "actions_agreed": "Breakfast club.",
            "attendance_target": "At least 9 of 10 sessions each week.",
            "timescale": "6 school weeks", "review_date": "2025-02-26",
        },
    )  # fmt: skip
    assert response.status_code == 302
    contract = AttendanceContract.objects.get()
    assert contract.recorded_by_name == (lead.get_full_name() or lead.username)
    assert contract.meeting_at.date() == TODAY
    assert timezone.is_aware(contract.meeting_at)


def test_a_teacher_adds_a_contact_note(client: Client, teacher: User, school, pupils) -> None:
    client.force_login(teacher)
    response = client.post(
        _url("dashboard_note_new", school, pupils.tess),
        {"kind": "phone", "occurred_on": "2025-01-15", "with_whom": "Pat", "body": "Called."},
    )
    assert response.status_code == 302
    assert PupilNote.objects.get().is_contact
    page = client.get(_url("dashboard_pupil", school, pupils.tess)).content.decode()
    assert "Phone call" in page and "Called." in page


def test_a_governor_cannot_add_a_note(client: Client, governor: User, school, pupils) -> None:
    client.force_login(governor)
    assert client.get(_url("dashboard_note_new", school, pupils.tess)).status_code == 404


def test_the_decision_form_starts_from_the_register_of_notices(
    client: Client, lead: User, school: School, pupils: Pupils
) -> None:
    client.force_login(lead)
    page = client.get(_url("dashboard_threshold_decision", school, pupils.tess)).content.decode()
    assert "From the register of legal interventions" in page
    assert 'name="prior_notices_3_years" value="0"' in page
