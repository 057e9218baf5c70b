"""Requesting penalty notices: prepare (below the threshold too), the counts shown first,
submit, cancel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from penalties.models import PenaltyNotice, PenaltyRequest, RequestStatus
from penalties.services.notices import penalty_request_open
from registers.models import Role
from tests.penalties.conftest import HOLIDAY, absent

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def _url(name, school, pupil, **kwargs) -> str:
    return reverse(name, kwargs={"urn": school.urn, "pupil_id": pupil.pk, **kwargs})


@pytest.fixture
def draft(letterhead, family, lead) -> PenaltyRequest:
    absent(letterhead, family.c1, HOLIDAY)
    return penalty_request_open(
        school=letterhead, pupil=family.c1, user=lead, today=D("2025-01-13"),
        offence_start=D("2025-01-06"), offence_end=D("2025-01-10"),
    )  # fmt: skip


def test_a_request_below_the_threshold_can_be_prepared(client: Client, lead, letterhead, family):
    client.force_login(lead)
    url = _url("penalties_request_new", letterhead, family.c1)
    response = client.post(url, {"offence_start": "2025-01-06", "offence_end": "2025-01-10"})
    made = PenaltyRequest.objects.get(pupil=family.c1)
    assert response["Location"] == _url("penalties_request", letterhead, family.c1, pk=made.pk)
    bad = client.post(url, {"offence_start": "soon"}, follow=True)
    assert "Enter a valid date" in bad.content.decode()


def test_the_counts_come_before_the_request(client: Client, lead, letterhead, family, draft):
    client.force_login(lead)
    url = _url("penalties_request", letterhead, family.c1, pk=draft.pk)
    page = client.get(url).content.decode()
    assert page.index("Penalty notices per parent for this child") < page.index("record-form")
    assert "10 sessions of unauthorised absence" in page and "Gran One" not in page
    response = client.post(
        url,
        {
            "guardians": [family.p1.pk, family.p2.pk],
            "offence_start": "2025-01-06",
            "offence_end": "2025-01-10",
            "grounds": "Holiday taken after leave was refused.",
        },
    )
    assert response.status_code == 302
    assert PenaltyNotice.objects.filter(request=draft).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"offence_start": "2025-01-10", "offence_end": "2025-01-06"}, "on or after its start"),
        ({"guardians": []}, "This field is required"),
        ({"grounds": ""}, "This field is required"),
    ],
)
def test_bad_input_is_explained(client, lead, letterhead, family, draft, data, message) -> None:
    client.force_login(lead)
    form = {
        "guardians": [family.p1.pk],
        "offence_start": "2025-01-06",
        "offence_end": "2025-01-10",
        "grounds": "Holiday.",
        **data,
    }
    response = client.post(_url("penalties_request", letterhead, family.c1, pk=draft.pk), form)
    assert response.status_code == 400 and message in response.content.decode()
    assert not PenaltyNotice.objects.exists()


def test_a_draft_can_be_cancelled(client: Client, lead, letterhead, family, draft) -> None:
    client.force_login(lead)
    url = _url("penalties_request_cancel", letterhead, family.c1, pk=draft.pk)
    assert client.post(url, {"note": "Family left the country."}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == RequestStatus.CANCELLED


@pytest.mark.parametrize("role", [Role.TEACHER, Role.OFFICE, Role.GOVERNOR])
def test_other_roles_get_404(client: Client, personas, letterhead, family, draft, role) -> None:
    client.force_login(personas[role])
    assert (
        client.get(_url("penalties_request", letterhead, family.c1, pk=draft.pk)).status_code == 404
    )


def test_another_schools_head_gets_404(client: Client, outsider, letterhead, family, draft) -> None:
    client.force_login(outsider)
    assert (
        client.get(_url("penalties_request", letterhead, family.c1, pk=draft.pk)).status_code == 404
    )
