"""Requesting, issuing, paying, withdrawing and prosecuting penalty notices (rules §4,
scenarios S17–S21), through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from penalties.models import (
    CoveredSession,
    PenaltyNotice,
    PNStatus,
    ProsecutionOutcome,
    RequestStatus,
    WithdrawalGround,
)
from penalties.rules import Delivery
from penalties.selectors import parent_counts
from penalties.services.notices import (
    alternative_record,
    penalty_decline,
    penalty_issue,
    penalty_payment_record,
    penalty_prosecute,
    penalty_prosecution_outcome,
    penalty_request_cancel,
    penalty_request_open,
    penalty_request_submit,
    penalty_withdraw,
)
from registers.models import School, User
from tests.penalties.conftest import DECIDED_ON, HOLIDAY, Family, absent, decision
from tests.penalties.helpers import issue, issued, requested

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def _submit(request, guardians, user, today=DECIDED_ON, **kwargs):
    values = {
        "offence_start": D("2025-01-06"),
        "offence_end": D("2025-01-10"),
        "grounds": "Holiday taken after leave was refused.",
        **kwargs,
    }
    return penalty_request_submit(
        request=request, guardians=guardians, user=user, today=today, **values
    )


def test_s18_a_request_names_each_parent_and_covers_the_holiday(
    letterhead: School, family: Family, lead: User
) -> None:
    absent(letterhead, family.c1, HOLIDAY)
    request = penalty_request_open(
        school=letterhead,
        pupil=family.c1,
        user=lead,
        today=D("2025-01-13"),
        decision=decision(letterhead, family.c1, lead),
    )
    notices = _submit(request, [family.p1, family.p2], lead)
    assert [n.guardian for n in notices] == [family.p1, family.p2]
    assert {n.status for n in notices} == {PNStatus.REQUESTED}
    assert CoveredSession.objects.filter(request=request).count() == 10
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED and request.requested_on == D("2025-01-13")


def test_it_refuses_a_carer_without_parental_responsibility(
    letterhead: School, family: Family, lead: User
) -> None:
    absent(letterhead, family.c1, HOLIDAY)
    request = penalty_request_open(
        school=letterhead, pupil=family.c1, user=lead, today=D("2025-01-13")
    )
    with pytest.raises(ValidationError, match="parental responsibility"):
        _submit(request, [family.carer], lead)


def test_the_same_absences_never_count_toward_two_notices(
    letterhead: School, family: Family, lead: User
) -> None:
    absent(letterhead, family.c1, HOLIDAY)
    first = penalty_request_open(
        school=letterhead, pupil=family.c1, user=lead, today=D("2025-01-13")
    )
    _submit(first, [family.p1], lead)
    second = penalty_request_open(
        school=letterhead, pupil=family.c1, user=lead, today=D("2025-01-14")
    )
    with pytest.raises(ValidationError, match="already cover"):
        _submit(second, [family.p2], lead, today=D("2025-01-14"))
    # A later absence can be covered: only the sessions not yet covered.
    absent(letterhead, family.c1, [D("2025-01-14")], "O")
    notices = _submit(second, [family.p2], lead, today=D("2025-01-14"), offence_end=D("2025-01-14"))
    assert len(notices) == 1
    assert CoveredSession.objects.filter(request=second).count() == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"offence_end": D("2025-01-05")}, "end on or after"),
        ({"offence_end": D("2025-01-14")}, "future"),
        ({"grounds": " "}, "why"),
    ],
)
def test_a_request_refuses_bad_input(letterhead, family, lead, kwargs, message) -> None:
    absent(letterhead, family.c1, HOLIDAY)
    request = penalty_request_open(
        school=letterhead, pupil=family.c1, user=lead, today=D("2025-01-13")
    )
    with pytest.raises(ValidationError, match=message):
        _submit(request, [family.p1], lead, **kwargs)
    with pytest.raises(ValidationError, match="at least one parent"):
        _submit(request, [], lead)


def test_a_request_is_made_once(letterhead: School, family: Family, lead: User) -> None:
    absent(letterhead, family.c1, HOLIDAY)
    request = penalty_request_open(
        school=letterhead, pupil=family.c1, user=lead, today=D("2025-01-13")
    )
    _submit(request, [family.p1], lead)
    with pytest.raises(ValidationError, match="already"):
        _submit(request, [family.p2], lead)


def test_a_draft_request_can_be_cancelled_with_a_reason(letterhead, family, lead) -> None:
    request = penalty_request_open(
        school=letterhead, pupil=family.c1, user=lead, today=D("2025-01-13")
    )
    with pytest.raises(ValidationError, match="why"):
        penalty_request_cancel(request=request, note="", user=lead, today=D("2025-01-13"))
    penalty_request_cancel(
        request=request, note="Family moved abroad.", user=lead, today=D("2025-01-13")
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED


# --- Issue: amounts by count and date ------------------------------------------------------


def test_s17_first_notice_received_2_december_2024(letterhead, family, lead) -> None:
    [notice] = requested(letterhead, family.c1, [family.p1], D("2024-11-28"), lead)
    notice = issue(notice, D("2024-11-29"), lead, received=D("2024-12-02"))
    assert (notice.reduced_pence, notice.reduced_by) == (8000, D("2024-12-22"))
    assert (notice.full_pence, notice.full_by) == (16000, D("2024-12-29"))
    assert notice.receipt_rule == "actual date of receipt" and notice.prior_notices == 0
    assert notice.terms_from == D("2024-08-19")


def test_a_posted_notice_is_deemed_received_two_working_days_later(letterhead, family, lead):
    [notice] = requested(letterhead, family.c1, [family.p1], D("2024-11-28"), lead)
    notice = penalty_issue(
        notice=notice,
        issued_on=D("2024-11-28"),
        issuing_officer="A. Officer",
        la_reference="PN/1",
        delivery=Delivery.POST,
        posted_on=D("2024-11-28"),
        received_on=None,
        user=lead,
        today=D("2024-11-29"),
    )
    assert notice.received_on == D("2024-12-02") and "deemed" in notice.receipt_rule
    assert notice.reduced_by == D("2024-12-22")


def test_s19_second_notice_same_child_full_only_other_child_first_rates(
    letterhead, family, lead
) -> None:
    issued(letterhead, family.c1, [family.p1], D("2024-09-20"), lead)
    [same_child] = issued(letterhead, family.c1, [family.p1], D("2025-06-10"), lead)
    [other_child] = issued(letterhead, family.c2, [family.p1], D("2025-06-10"), lead)
    assert (same_child.prior_notices, same_child.reduced_pence, same_child.full_pence) == (
        1,
        None,
        16000,
    )
    assert (other_child.prior_notices, other_child.reduced_pence) == (0, 8000)


def test_offences_before_19_august_2024_use_the_old_amounts(letterhead, family, lead) -> None:
    absent(letterhead, family.c1, [D("2024-07-15")], "O")
    request = penalty_request_open(
        school=letterhead, pupil=family.c1, user=lead, today=D("2024-09-02")
    )
    [notice] = penalty_request_submit(
        request=request,
        guardians=[family.p1],
        offence_start=D("2024-07-15"),
        offence_end=D("2024-07-15"),
        grounds="Unauthorised absence.",
        user=lead,
        today=D("2024-09-02"),
    )
    notice = issue(notice, D("2024-09-03"), lead)
    assert (notice.reduced_pence, notice.full_pence, notice.terms_from) == (
        6000,
        12000,
        D("2013-09-01"),
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("issued_on", D("2025-01-20"), "future"),
        ("issued_on", D("2025-01-12"), "before it was requested"),
        ("issuing_officer", "", "authorised officer"),
    ],
)
def test_issue_refuses_bad_input(letterhead, family, lead, field, value, message) -> None:
    [notice] = requested(letterhead, family.c1, [family.p1], D("2025-01-13"), lead)
    values = {
        "issued_on": D("2025-01-14"),
        "issuing_officer": "A. Officer",
        "la_reference": "",
        "delivery": Delivery.HAND,
        "posted_on": None,
        "received_on": None,
        field: value,
    }
    with pytest.raises(ValidationError, match=message):
        penalty_issue(notice=notice, user=lead, today=D("2025-01-15"), **values)


def test_the_authority_can_decline_a_request(letterhead, family, lead) -> None:
    [notice] = requested(letterhead, family.c1, [family.p1], D("2025-01-13"), lead)
    penalty_decline(notice=notice, note="Outside the local code.", user=lead, today=D("2025-01-20"))
    notice.refresh_from_db()
    assert notice.status == PNStatus.DECLINED
    with pytest.raises(ValidationError, match="not issued"):
        issue(notice, D("2025-01-21"), lead)


# --- Payment -------------------------------------------------------------------------------


@pytest.fixture
def first_notice(letterhead, family, lead) -> PenaltyNotice:
    [notice] = requested(letterhead, family.c1, [family.p1], D("2024-11-28"), lead)
    return issue(notice, D("2024-11-29"), lead, received=D("2024-12-02"))


@pytest.mark.parametrize(
    ("paid_on", "amount", "error"),
    [
        ("2024-12-22", 8000, None),  # day 21
        ("2024-12-22", 16000, "£80.00 in full"),
        ("2024-12-23", 8000, "£160.00 in full"),  # day 22: the reduced amount no longer does
        ("2024-12-23", 16000, None),
        ("2024-12-29", 16000, None),  # day 28
        ("2024-12-30", 16000, "prosecute or withdraw"),  # day 29
        ("2024-11-28", 8000, "before the notice was issued"),
    ],
)
def test_payment_in_full_within_the_period(first_notice, lead, paid_on, amount, error) -> None:
    kwargs = {"notice": first_notice, "paid_on": D(paid_on), "amount_pence": amount}
    if error:
        with pytest.raises(ValidationError, match=error):
            penalty_payment_record(user=lead, today=D("2025-01-31"), **kwargs)
        return
    notice = penalty_payment_record(user=lead, today=D("2025-01-31"), **kwargs)
    assert (notice.status, notice.paid_pence) == (PNStatus.PAID, amount)


# --- Withdrawal and prosecution ---------------------------------------------------------------


def test_s20b_a_withdrawn_notice_does_not_count(letterhead, family, lead) -> None:
    [first] = issued(letterhead, family.c1, [family.p1], D("2024-09-20"), lead)
    issued(letterhead, family.c1, [family.p1], D("2025-06-10"), lead)
    assert not parent_counts(pupil=family.c1, on=D("2026-02-02"))[0].can_request
    penalty_withdraw(
        notice=first,
        ground=WithdrawalGround.MATERIAL_ERRORS,
        note="Wrong dates on the notice.",
        withdrawn_on=D("2024-09-25"),
        user=lead,
        today=D("2026-02-01"),
    )
    [third] = issued(letterhead, family.c1, [family.p1], D("2026-02-02"), lead)
    assert (third.prior_notices, third.reduced_pence, third.full_pence) == (1, None, 16000)


def test_withdrawing_a_paid_notice_records_the_repayment(first_notice, lead) -> None:
    penalty_payment_record(
        notice=first_notice,
        paid_on=D("2024-12-10"),
        amount_pence=8000,
        user=lead,
        today=D("2024-12-10"),
    )
    notice = penalty_withdraw(
        notice=first_notice,
        ground=WithdrawalGround.WRONG_PERSON,
        note="Issued to the wrong parent.",
        withdrawn_on=D("2024-12-12"),
        user=lead,
        today=D("2024-12-12"),
    )
    assert notice.status == PNStatus.WITHDRAWN and notice.repaid


@pytest.mark.parametrize(("on", "allowed"), [("2024-12-29", False), ("2024-12-30", True)])
def test_withdrawal_as_unpaid_only_after_the_last_day(first_notice, lead, on, allowed) -> None:
    kwargs = {
        "notice": first_notice,
        "ground": WithdrawalGround.UNPAID_NOT_PROSECUTED,
        "note": "The authority is not prosecuting.",
        "withdrawn_on": D(on),
        "user": lead,
        "today": D("2025-01-31"),
    }
    if allowed:
        assert penalty_withdraw(**kwargs).status == PNStatus.WITHDRAWN
    else:
        with pytest.raises(ValidationError, match="unpaid after its last day"):
            penalty_withdraw(**kwargs)


def test_s20c_a_prosecuted_notice_still_counts(letterhead, family, lead) -> None:
    [first] = issued(letterhead, family.c1, [family.p1], D("2024-09-20"), lead)
    with pytest.raises(ValidationError, match="runs until"):
        penalty_prosecute(
            notice=first, on=D("2024-10-10"), note="", user=lead, today=D("2024-10-10")
        )
    penalty_prosecute(
        notice=first, on=D("2024-11-01"), note="Unpaid.", user=lead, today=D("2024-11-01")
    )
    notice = penalty_prosecution_outcome(
        notice=first, outcome=ProsecutionOutcome.GUILTY, note="", user=lead, today=D("2025-01-10")
    )
    assert notice.status == PNStatus.PROSECUTED and notice.prosecution_outcome == "guilty"
    issued(letterhead, family.c1, [family.p1], D("2025-06-10"), lead)
    with pytest.raises(ValidationError, match="third cannot be issued"):
        requested(letterhead, family.c1, [family.p1], D("2026-02-02"), lead)


def test_s20_the_alternative_is_recorded_instead(letterhead, family, lead) -> None:
    action = alternative_record(
        school=letterhead,
        pupil=family.c1,
        kind="eso",
        guardian=family.p1,
        note="Third breach inside 3 years: education supervision order sought.",
        user=lead,
        today=D("2026-02-02"),
    )
    assert action.get_kind_display() == "Education Supervision Order"
    with pytest.raises(ValidationError, match="parental responsibility"):
        alternative_record(
            school=letterhead, pupil=family.c1, kind="eso", guardian=family.carer, note="x",
            user=lead, today=D("2026-02-02"),
        )  # fmt: skip
