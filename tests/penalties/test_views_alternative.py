"""Recording another tool used instead of a penalty notice (rules §4.4, S20)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from penalties.models import AlternativeAction
from registers.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(letterhead, family) -> str:
    return reverse(
        "penalties_alternative_new", kwargs={"urn": letterhead.urn, "pupil_id": family.c1.pk}
    )


def test_the_lead_records_an_alternative(client: Client, lead, url, family) -> None:
    client.force_login(lead)
    page = client.get(url).content.decode()
    assert "Education Supervision Order" in page and "Penalty notices per parent" in page
    response = client.post(url, {"kind": "contract", "guardian": family.p1.pk, "note": "Agreed."})
    assert response.status_code == 302
    assert AlternativeAction.objects.get().guardian == family.p1


def test_bad_input_is_explained(client: Client, lead, url, family) -> None:
    client.force_login(lead)
    response = client.post(url, {"kind": "fine", "guardian": family.carer.pk, "note": ""})
    content = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in content
    assert not AlternativeAction.objects.exists()


@pytest.mark.parametrize("role", [Role.TEACHER, Role.GOVERNOR])
def test_other_roles_get_404(client: Client, personas, url, role) -> None:
    client.force_login(personas[role])
    assert client.get(url).status_code == 404


def test_another_schools_head_gets_404(client: Client, outsider, url) -> None:
    client.force_login(outsider)
    assert client.get(url).status_code == 404
