"""A letter's PDF for staff: served only while its checksum matches."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from letters.models import Letter
from registers.models import User

pytestmark = pytest.mark.django_db


def _url(letter: Letter) -> str:
    return reverse("letters_pdf", kwargs={"urn": letter.school.urn, "letter_id": letter.pk})


def test_staff_download_the_stored_pdf(client: Client, office: User, letter: Letter) -> None:
    client.force_login(office)
    response = client.get(_url(letter), {"download": "1"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == letter.sha256
    assert response["Content-Disposition"].startswith("attachment")


def test_an_altered_file_is_refused(client: Client, office: User, letter: Letter) -> None:
    with open(letter.pdf.path, "ab") as handle:
        handle.write(b"x")
    client.force_login(office)
    assert client.get(_url(letter)).status_code == 404


@pytest.mark.parametrize("persona", ["governor", "outsider"])
def test_governors_and_other_schools_get_404(client: Client, persona: str, request, letter) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(letter)).status_code == 404
