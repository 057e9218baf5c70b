"""Checking a letter re-renders identically from its record: MANAGE_CASES."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from letters.models import Letter
from registers.models import User

pytestmark = pytest.mark.django_db


def _url(letter: Letter) -> str:
    return reverse("letters_verify", kwargs={"urn": letter.school.urn, "letter_id": letter.pk})


def test_an_untouched_letter_is_identical(client: Client, head: User, letter: Letter) -> None:
    client.force_login(head)
    response = client.post(_url(letter), follow=True)
    assert b"identical to the stored PDF" in response.content


def test_a_changed_record_is_reported(client: Client, head: User, letter: Letter) -> None:
    Letter.objects.filter(pk=letter.pk).update(sha256="0" * 64)
    client.force_login(head)
    response = client.post(_url(letter), follow=True)
    assert b"differs from the one stored" in response.content


@pytest.mark.parametrize("persona", ["office", "governor", "outsider"])
def test_others_cannot_check(client: Client, persona: str, request, letter: Letter) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_url(letter)).status_code == 404
