"""The Letters page: staff who see pupils read it; governors and other schools never."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from registers.models import School, User

pytestmark = pytest.mark.django_db


def _url(school: School) -> str:
    return reverse("letters_index", kwargs={"urn": school.urn})


def test_staff_see_the_letters_written(client: Client, teacher: User, letter, letterhead) -> None:
    client.force_login(teacher)
    response = client.get(_url(letterhead))
    assert response.status_code == 200
    assert b"Alex Example" in response.content and b"Attendance below 96%" in response.content
    assert b"Write letters for a list" not in response.content  # a teacher cannot write


def test_the_lead_is_offered_writing_and_wording(client: Client, lead: User, letterhead) -> None:
    client.force_login(lead)
    response = client.get(_url(letterhead))
    assert b"Write letters for a list" in response.content and b"Wording" in response.content


def test_it_filters_by_kind(client: Client, lead: User, letter, letterhead) -> None:
    client.force_login(lead)
    response = client.get(_url(letterhead), {"kind": "lateness"})
    assert b"Alex Example" not in response.content
    response = client.get(_url(letterhead), {"kind": "nonsense"})
    assert b"Alex Example" in response.content


@pytest.mark.parametrize("persona", ["governor", "outsider"])
def test_governors_and_other_schools_get_404(
    client: Client, persona: str, request, letterhead
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(letterhead)).status_code == 404


def test_the_navigation_offers_letters(client: Client, teacher: User, letterhead) -> None:
    client.force_login(teacher)
    response = client.get(_url(letterhead))
    assert f'href="{_url(letterhead)}"'.encode() in response.content


def test_signed_out_people_are_sent_to_sign_in(client: Client, letterhead) -> None:
    assert client.get(_url(letterhead)).status_code == 302
