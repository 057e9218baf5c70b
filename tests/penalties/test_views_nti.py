"""Notice to improve pages: prepare, issue, outcome, withdraw."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from penalties.models import NoticeToImprove, NTIStatus, PenaltyRequest
from penalties.services.nti import nti_issue, nti_open
from registers.models import Role
from tests.penalties.conftest import absent, status

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture
def nti(letterhead, family, lead) -> NoticeToImprove:
    days = [D("2024-11-04") + dt.timedelta(days=n) for n in range(5)]
    absent(letterhead, family.c1, days, "O")
    status(letterhead, family.c1, start=D("2024-09-09"), end=D("2024-11-17"), met_on=days[-1])
    return nti_open(school=letterhead, pupil=family.c1, user=lead, today=D("2024-11-18"))


def _url(name, school, pupil, **kwargs) -> str:
    return reverse(name, kwargs={"urn": school.urn, "pupil_id": pupil.pk, **kwargs})


def _form(family, **changes) -> dict:
    return {
        "guardians": [family.p1.pk, family.p2.pk],
        "issued_on": "2024-11-20",
        "period_weeks": "6",
        "expected_improvement": "No unauthorised absence.",
        "allowed_unauthorised": "0",
        "early_grounds": "Any term-time holiday.",
        "support_offered": "Support plan; early help offered.",
        **changes,
    }


def test_the_lead_prepares_a_notice(client: Client, lead, letterhead, family) -> None:
    client.force_login(lead)
    response = client.post(_url("penalties_nti_new", letterhead, family.c1))
    nti = NoticeToImprove.objects.get(pupil=family.c1)
    assert response["Location"] == _url("penalties_nti_issue", letterhead, family.c1, pk=nti.pk)
    assert nti.status == NTIStatus.DRAFT


def test_prepare_is_post_only(client: Client, lead, letterhead, family) -> None:
    client.force_login(lead)
    assert client.get(_url("penalties_nti_new", letterhead, family.c1)).status_code == 405


def test_the_lead_issues_it(client: Client, lead, letterhead, family, nti) -> None:
    client.force_login(lead)
    url = _url("penalties_nti_issue", letterhead, family.c1, pk=nti.pk)
    page = client.get(url).content.decode()
    assert "3 to 6 school weeks" in page and "Gran One" not in page
    response = client.post(url, _form(family, issued_on="2099-01-01"))
    assert response.status_code == 400 and "cannot be in the future" in response.content.decode()
    response = client.post(url, _form(family))
    assert response.status_code == 302
    nti.refresh_from_db()
    assert nti.status == NTIStatus.ISSUED and nti.period_end == D("2025-01-10")


def test_bad_input_is_explained(client: Client, lead, letterhead, family, nti) -> None:
    client.force_login(lead)
    url = _url("penalties_nti_issue", letterhead, family.c1, pk=nti.pk)
    response = client.post(url, _form(family, guardians=[family.carer.pk], period_weeks="9"))
    content = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in content
    assert "not one of the available choices" in content


def test_outcome_not_complied_opens_a_request(client: Client, lead, letterhead, family, nti):
    issued = nti_issue(
        nti=nti, guardians=[family.p1], issued_on=D("2024-11-20"), period_weeks=3,
        expected_improvement="None.", allowed_unauthorised=0, early_grounds="Holiday.",
        support_offered="Plan.", user=lead, today=D("2024-11-20"),
    )  # fmt: skip
    client.force_login(lead)
    url = _url("penalties_nti_outcome", letterhead, family.c1, pk=issued.pk)
    assert "0 sessions of unauthorised absence" in client.get(url).content.decode()
    response = client.post(url, {"complied": "no", "note": "Further absence."})
    assert response.status_code == 302
    assert PenaltyRequest.objects.get(nti=issued).offence_start == D("2024-11-21")


def test_outcome_refuses_complied_before_the_end(client: Client, lead, letterhead, family, nti):
    from django.utils import timezone

    today = timezone.localdate()
    absent(letterhead, family.c1, [today - dt.timedelta(days=1)], "O", halves=("AM",))
    client.force_login(lead)
    nti.status, nti.issued_on = NTIStatus.ISSUED, today - dt.timedelta(days=1)
    nti.period_start, nti.period_end = today, today + dt.timedelta(days=30)
    nti.save()
    url = _url("penalties_nti_outcome", letterhead, family.c1, pk=nti.pk)
    response = client.post(url, {"complied": "yes"})
    assert response.status_code == 400 and "can only be recorded after" in response.content.decode()


def test_withdraw_needs_a_reason(client: Client, lead, letterhead, family, nti) -> None:
    client.force_login(lead)
    url = _url("penalties_nti_withdraw", letterhead, family.c1, pk=nti.pk)
    assert client.post(url, {"note": ""}).status_code == 400
    assert client.post(url, {"note": "Not needed."}).status_code == 302
    nti.refresh_from_db()
    assert nti.status == NTIStatus.WITHDRAWN


@pytest.mark.parametrize("role", [Role.TEACHER, Role.OFFICE, Role.GOVERNOR])
def test_other_roles_get_404(client: Client, personas, letterhead, family, nti, role) -> None:
    client.force_login(personas[role])
    assert (
        client.get(_url("penalties_nti_issue", letterhead, family.c1, pk=nti.pk)).status_code == 404
    )


def test_another_schools_head_gets_404(client: Client, outsider, letterhead, family, nti) -> None:
    client.force_login(outsider)
    assert (
        client.get(_url("penalties_nti_issue", letterhead, family.c1, pk=nti.pk)).status_code == 404
    )


def test_a_notice_of_another_pupil_is_404(client: Client, lead, letterhead, family, nti) -> None:
    client.force_login(lead)
    assert (
        client.get(_url("penalties_nti_issue", letterhead, family.c2, pk=nti.pk)).status_code == 404
    )
