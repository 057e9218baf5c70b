"""One letter's record: staff who see pupils; htmx gets the status partial."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from letters.models import Letter
from registers.models import User

pytestmark = pytest.mark.django_db


def _url(letter: Letter) -> str:
    return reverse("letters_detail", kwargs={"urn": letter.school.urn, "letter_id": letter.pk})


def test_staff_see_the_frozen_record(client: Client, teacher: User, letter: Letter) -> None:
    client.force_login(teacher)
    response = client.get(_url(letter))
    assert response.status_code == 200
    for text in (b"Alex Example", b"1 Church Road", letter.sha256.encode(), b"built-in wording"):
        assert text in response.content
    assert b"Email to" not in response.content  # a teacher cannot send


def test_the_lead_can_email_and_check(client: Client, lead: User, letter: Letter) -> None:
    client.force_login(lead)
    response = client.get(_url(letter))
    assert b"Email to" in response.content and b"re-renders identically" in response.content


def test_htmx_polls_the_status_partial(client: Client, lead: User, letter: Letter) -> None:
    Letter.objects.filter(pk=letter.pk).update(status="queued")
    client.force_login(lead)
    response = client.get(_url(letter), HTTP_HX_REQUEST="true")
    assert b"<h1" not in response.content and b'hx-trigger="every 2s"' in response.content


@pytest.mark.parametrize("persona", ["governor", "outsider"])
def test_governors_and_other_schools_get_404(client: Client, persona: str, request, letter) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(letter)).status_code == 404


def test_an_unknown_letter_is_not_found(client: Client, lead: User, letter: Letter) -> None:
    client.force_login(lead)
    url = reverse("letters_detail", kwargs={"urn": letter.school.urn, "letter_id": 999999})
    assert client.get(url).status_code == 404
