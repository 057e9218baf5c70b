"""Notices to improve: opened by a threshold decision, issued with the improvement period
from the calendar and a letter to each parent, outcome, withdrawal (rules §4.6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from letters.models import Letter
from penalties.models import (
    CoveredSession,
    NoticeToImprove,
    NTIStatus,
    PenaltyRequest,
    PenaltyTermsConfig,
    RequestStatus,
)
from penalties.services.notices import penalty_request_submit
from penalties.services.nti import nti_issue, nti_open, nti_outcome_record, nti_withdraw
from registers.models import School, User
from tests.penalties.conftest import Family, absent, decision, school_days, status

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
# Unauthorised absence (O) on ten afternoons in the autumn term 2024.
AUTUMN_O = [D("2024-11-04") + dt.timedelta(days=n) for n in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)]


@pytest.fixture
def opened(letterhead: School, family: Family, lead: User) -> NoticeToImprove:
    absent(letterhead, family.c1, AUTUMN_O, "O", halves=("PM",))
    status(letterhead, family.c1, start=D("2024-09-09"), end=D("2024-11-17"), met_on=AUTUMN_O[-1])
    made = decision(
        letterhead,
        family.c1,
        lead,
        outcome="nti",
        start=D("2024-09-02"),
        end=D("2024-11-17"),
        decided_on=D("2024-11-18"),
    )
    return nti_open(
        school=letterhead, pupil=family.c1, user=lead, today=D("2024-11-18"), decision=made
    )


def _issue(nti: NoticeToImprove, family: Family, lead: User, **kwargs) -> NoticeToImprove:
    values = {
        "guardians": [family.p1, family.p2],
        "issued_on": D("2024-11-20"),
        "period_weeks": 6,
        "expected_improvement": "No unauthorised absence.",
        "allowed_unauthorised": 0,
        "early_grounds": "Any holiday in term time.",
        "support_offered": "Attendance support plan of October.",
        **kwargs,
    }
    return nti_issue(nti=nti, user=lead, today=D("2024-11-20"), **values)


def test_it_opens_with_the_parents_who_hold_parental_responsibility(opened, family) -> None:
    assert opened.status == NTIStatus.DRAFT
    assert set(opened.guardians.all()) == {family.p1, family.p2}
    assert opened.period_weeks == 6


def test_the_improvement_period_default_comes_from_the_authority(letterhead, family, lead):
    PenaltyTermsConfig.objects.create(
        local_authority="Hertfordshire",
        effective_from=D("2024-08-19"),
        first_reduced_pence=8000,
        first_reduced_days=21,
        first_full_pence=16000,
        first_full_days=28,
        second_full_pence=16000,
        second_full_days=28,
        improvement_weeks=4,
    )
    nti = nti_open(school=letterhead, pupil=family.c1, user=lead, today=D("2024-11-18"))
    assert nti.period_weeks == 4


def test_issue_sets_the_period_covers_the_window_and_writes_the_letters(
    opened, family, lead
) -> None:
    nti = _issue(opened, family, lead)
    # Issued Wed 20 Nov 2024: from Thu 21 Nov (SW11) for 6 school weeks, SW11–SW16, the
    # Christmas holiday not counted: to Fri 10 Jan 2025.
    assert (nti.period_start, nti.period_end) == (D("2024-11-21"), D("2025-01-10"))
    assert nti.status == NTIStatus.ISSUED
    assert CoveredSession.objects.filter(nti=nti).count() == 10
    letters = Letter.objects.filter(pupil=family.c1, kind="notice_to_improve")
    assert {letter.guardian for letter in letters} == {family.p1, family.p2}
    fields = letters[0].data["fields"]
    assert (fields["improvement_start"], fields["improvement_end"]) == (
        "21 November 2024",
        "10 January 2025",
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"guardians": []}, "at least one parent"),
        ({"issued_on": D("2024-11-21")}, "future"),
        ({"period_weeks": 7}, "3 to 6"),
    ],
)
def test_issue_refuses_bad_input(opened, family, lead, kwargs, message) -> None:
    with pytest.raises(ValidationError, match=message):
        _issue(opened, family, lead, **kwargs)


def test_issue_refuses_a_carer_without_parental_responsibility(opened, family, lead) -> None:
    with pytest.raises(ValidationError, match="parental responsibility"):
        _issue(opened, family, lead, guardians=[family.carer])


def test_a_second_notice_cannot_cover_the_same_absences(letterhead, opened, family, lead):
    _issue(opened, family, lead)
    again = nti_open(school=letterhead, pupil=family.c1, user=lead, today=D("2024-11-20"))
    with pytest.raises(ValidationError, match="already cover"):
        _issue(again, family, lead)


def test_complied_only_after_the_period(opened, family, lead) -> None:
    nti = _issue(opened, family, lead)
    with pytest.raises(ValidationError, match="runs until 10 January 2025"):
        nti_outcome_record(nti=nti, complied=True, note="", user=lead, today=D("2025-01-10"))
    assert (
        nti_outcome_record(nti=nti, complied=True, note="", user=lead, today=D("2025-01-13"))
        is None
    )
    nti.refresh_from_db()
    assert (nti.status, nti.unauthorised_in_period) == (NTIStatus.COMPLIED, 0)


def test_not_complied_opens_a_request_over_the_period(letterhead, opened, family, lead) -> None:
    nti = _issue(opened, family, lead)
    absent(letterhead, family.c1, school_days(letterhead, D("2025-01-06"), D("2025-01-07")), "O")
    request = nti_outcome_record(
        nti=nti, complied=False, note="Four more sessions.", user=lead, today=D("2025-01-13")
    )
    nti.refresh_from_db()
    assert (nti.status, nti.unauthorised_in_period) == (NTIStatus.NOT_COMPLIED, 4)
    assert isinstance(request, PenaltyRequest) and request.nti == nti
    assert (request.offence_start, request.offence_end) == (D("2024-11-21"), D("2025-01-10"))
    assert request.status == RequestStatus.DRAFT
    notices = penalty_request_submit(
        request=request,
        guardians=[family.p1, family.p2],
        offence_start=request.offence_start,
        offence_end=request.offence_end,
        grounds="Notice to improve not complied with.",
        user=lead,
        today=D("2025-01-13"),
    )
    assert len(notices) == 2
    assert CoveredSession.objects.filter(request=request).count() == 4


def test_not_complied_early_needs_grounds_and_a_note(opened, family, lead) -> None:
    nti = _issue(opened, family, lead, early_grounds="")
    with pytest.raises(ValidationError, match="grounds for acting early"):
        nti_outcome_record(
            nti=nti, complied=False, note="Holiday.", user=lead, today=D("2024-12-02")
        )


def test_withdrawing_releases_the_sessions(letterhead, opened, family, lead) -> None:
    nti = _issue(opened, family, lead)
    with pytest.raises(ValidationError, match="why"):
        nti_withdraw(nti=nti, note="", user=lead, today=D("2024-11-21"))
    nti_withdraw(nti=nti, note="Sent to the wrong family.", user=lead, today=D("2024-11-21"))
    assert not CoveredSession.objects.filter(pupil=family.c1).exists()
    again = nti_open(school=letterhead, pupil=family.c1, user=lead, today=D("2024-11-21"))
    assert _issue(again, family, lead).covered.count() == 10


def test_a_parent_without_an_address_stops_the_whole_issue(opened, family, lead) -> None:
    family.p2.address = ""
    family.p2.save()
    with pytest.raises(ValidationError, match="Sam One has no postal address"):
        _issue(opened, family, lead)
    opened.refresh_from_db()
    assert opened.status == NTIStatus.DRAFT
    assert not CoveredSession.objects.exists() and not Letter.objects.exists()
