"""Letters through the REST API: metadata and the stored PDF, scoped like every endpoint."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from registers.models import School, User
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


def _list(school: School) -> str:
    return reverse("api_letters", kwargs={"urn": school.urn})


def _pdf(school: School, letter_id: int) -> str:
    return reverse("api_letter_pdf", kwargs={"urn": school.urn, "letter_id": letter_id})


def test_a_read_token_lists_letters_and_downloads_the_stored_pdf(
    letterhead: School, letter
) -> None:
    client = token_client(letterhead, "read")
    rows = client.get(_list(letterhead), {"pupil": letter.pupil_id}).json()["results"]
    [row] = [r for r in rows if r["id"] == letter.pk]
    assert len(rows) == 2  # one letter per guardian with parental responsibility
    assert (row["id"], row["kind"], row["sha256"]) == (letter.pk, letter.kind, letter.sha256)
    response = client.get(_pdf(letterhead, letter.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        hashlib.sha256(response.content).hexdigest()
        == letter.sha256
        == response["X-Content-SHA256"]
    )


def test_an_altered_file_is_never_served(letterhead: School, letter) -> None:
    with letter.pdf.open("ab") as stored:
        stored.write(b"tampered")
    response = token_client(letterhead, "read").get(_pdf(letterhead, letter.pk))
    assert response.status_code == 404


def test_others_are_refused(
    letterhead: School, letter, governor: User, outsider: User, other_school: School
) -> None:
    api = APIClient()
    api.force_authenticate(governor)
    assert api.get(_list(letterhead)).status_code == 403
    assert api.get(_pdf(letterhead, letter.pk)).status_code == 403
    api.force_authenticate(outsider)
    assert api.get(_pdf(letterhead, letter.pk)).status_code == 404
    assert token_client(other_school, "read").get(_pdf(letterhead, letter.pk)).status_code == 404
    reader = token_client(letterhead, "read")
    assert reader.get(_pdf(letterhead, 9 * 10**20)).status_code == 404
    assert reader.get(_pdf(letterhead, 999999)).status_code == 404
