"""The steps of one penalty notice: issue, not issued, payment, withdrawal, prosecution,
the court's outcome."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from penalties.models import PenaltyNotice, PNStatus
from registers.models import Role
from tests.penalties.helpers import issue, requested

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture
def notice(letterhead, family, lead) -> PenaltyNotice:
    return requested(letterhead, family.c1, [family.p1], D("2024-11-28"), lead)[0]


def _url(notice: PenaltyNotice, step: str) -> str:
    return reverse(
        "penalties_notice_step",
        kwargs={
            "urn": notice.school.urn,
            "pupil_id": notice.pupil_id,
            "pk": notice.pk,
            "step": step,
        },
    )


def test_issue_then_pay_on_day_21(client: Client, lead, notice) -> None:
    client.force_login(lead)
    assert client.get(_url(notice, "issue")).status_code == 200
    response = client.post(
        _url(notice, "issue"),
        {"issued_on": "2024-11-29", "issuing_officer": "A. Officer", "delivery": "post",
         "posted_on": "2024-11-29", "received_on": "2024-12-02"},
    )  # fmt: skip
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.reduced_by, notice.full_by) == (D("2024-12-22"), D("2024-12-29"))
    page = client.get(_url(notice, "payment")).content.decode()
    assert "£80.00 by 22 Dec 2024" in page
    response = client.post(_url(notice, "payment"), {"paid_on": "2024-12-23", "amount": "80"})
    assert response.status_code == 400 and "must be £160.00 in full" in response.content.decode()
    assert (
        client.post(
            _url(notice, "payment"), {"paid_on": "2024-12-22", "amount": "80.00"}
        ).status_code
        == 302
    )
    notice.refresh_from_db()
    assert (notice.status, notice.paid_pence) == (PNStatus.PAID, 8000)


def test_a_posted_notice_needs_its_posting_date(client: Client, lead, notice) -> None:
    client.force_login(lead)
    response = client.post(
        _url(notice, "issue"),
        {"issued_on": "2024-11-29", "issuing_officer": "A. Officer", "delivery": "post"},
    )
    assert response.status_code == 400 and "posting date" in response.content.decode()


def test_decline_withdraw_prosecute_and_outcome(client: Client, lead, letterhead, family, notice):
    client.force_login(lead)
    assert client.post(_url(notice, "decline"), {"note": "Outside the code."}).status_code == 302
    notice.refresh_from_db()
    assert notice.status == PNStatus.DECLINED
    other = issue(
        requested(letterhead, family.c2, [family.p1], D("2024-11-28"), lead)[0],
        D("2024-11-28"),
        lead,
    )
    response = client.post(_url(other, "prosecute"), {"on": "2024-12-01", "note": ""})
    assert response.status_code == 400 and "runs until" in response.content.decode()
    assert (
        client.post(_url(other, "prosecute"), {"on": "2025-01-06", "note": "Unpaid."}).status_code
        == 302
    )
    assert client.post(_url(other, "outcome"), {"outcome": "guilty", "note": ""}).status_code == 302
    other.refresh_from_db()
    assert (other.status, other.prosecution_outcome) == (PNStatus.PROSECUTED, "guilty")
    third = issue(
        requested(letterhead, family.c1, [family.p2], D("2024-12-02"), lead)[0],
        D("2024-12-02"),
        lead,
    )
    response = client.post(
        _url(third, "withdraw"),
        {"ground": "errors", "withdrawn_on": "2024-12-03", "note": "Wrong child's name."},
    )
    assert response.status_code == 302
    third.refresh_from_db()
    assert third.status == PNStatus.WITHDRAWN


def test_an_unknown_step_is_404(client: Client, lead, notice) -> None:
    client.force_login(lead)
    assert client.get(_url(notice, "refund")).status_code == 404


@pytest.mark.parametrize("role", [Role.TEACHER, Role.OFFICE, Role.GOVERNOR])
def test_other_roles_get_404(client: Client, personas, notice, role) -> None:
    client.force_login(personas[role])
    assert client.get(_url(notice, "issue")).status_code == 404


def test_another_schools_head_gets_404(client: Client, outsider, notice) -> None:
    client.force_login(outsider)
    assert client.get(_url(notice, "issue")).status_code == 404
