"""Emailing a letter from its page: MANAGE_CASES, POST only."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from letters.models import EmailStatus, Letter
from registers.models import User

pytestmark = pytest.mark.django_db


def _url(letter: Letter) -> str:
    return reverse("letters_email", kwargs={"urn": letter.school.urn, "letter_id": letter.pk})


def test_the_lead_emails_the_letter(
    client: Client, lead: User, letter: Letter, django_capture_on_commit_callbacks
) -> None:
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(letter))
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.email_status == EmailStatus.SENT and len(mail.outbox) == 1


def test_no_email_address_is_explained(client: Client, lead: User, letter: Letter) -> None:
    letter.guardian.email = ""
    letter.guardian.save()
    client.force_login(lead)
    response = client.post(_url(letter), follow=True)
    assert b"no email address" in response.content and not mail.outbox


def test_get_is_not_allowed(client: Client, lead: User, letter: Letter) -> None:
    client.force_login(lead)
    assert client.get(_url(letter)).status_code == 405


@pytest.mark.parametrize("persona", ["teacher", "governor", "outsider"])
def test_others_cannot_email(client: Client, persona: str, request, letter: Letter) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_url(letter)).status_code == 404
    assert not mail.outbox
