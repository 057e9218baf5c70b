"""A parent downloads a letter addressed to them; anyone else gets a 404."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from letters.models import Letter
from tests.registers.factories import UserFactory

pytestmark = pytest.mark.django_db


def _url(letter: Letter, urn: str | None = None) -> str:
    return reverse(
        "letters_parent_pdf", kwargs={"urn": urn or letter.school.urn, "letter_id": letter.pk}
    )


def _parent_of(letter: Letter):
    user = UserFactory()
    letter.guardian.user = user
    letter.guardian.save()
    return user


def test_the_addressee_downloads_it(client: Client, letter: Letter) -> None:
    client.force_login(_parent_of(letter))
    response = client.get(_url(letter))
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == letter.sha256


def test_the_other_parent_cannot(client: Client, ready_letters: list[Letter]) -> None:
    mine, theirs = ready_letters
    client.force_login(_parent_of(mine))
    assert client.get(_url(theirs)).status_code == 404
    assert client.get(_url(mine, urn="100099")).status_code == 404


@pytest.mark.parametrize("persona", ["head", "outsider", "governor"])
def test_staff_without_a_guardian_record_cannot(client: Client, persona, request, letter) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(letter)).status_code == 404


def test_signed_out_people_must_sign_in(client: Client, letter: Letter) -> None:
    assert client.get(_url(letter)).status_code == 302
