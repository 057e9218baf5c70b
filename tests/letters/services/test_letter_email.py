"""Emailing a letter: queued, sent through Django's backend, the outcome recorded."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from letters.models import EmailStatus, Letter
from letters.services import letter_email_queue, letter_email_send, letter_generate
from registers.models import Pupil, School, User
from tests.letters.factories import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(
    letterhead: School, pupil: Pupil, lead: User, django_capture_on_commit_callbacks
) -> Letter:
    with django_capture_on_commit_callbacks(execute=True):
        letters = letter_generate(
            school=letterhead, pupil=pupil, kind="below_96_first", as_at=AS_OF, created_by=lead
        )
    return Letter.objects.get(pk=letters[0].pk)


def test_it_emails_the_pdf_and_records_it(
    letter: Letter, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        letter_email_queue(letter=letter)
    letter.refresh_from_db()
    assert letter.email_status == EmailStatus.SENT and letter.emailed_at is not None
    (message,) = mail.outbox
    assert message.to == [letter.guardian.email]
    assert "Test School A" in message.subject and "Sam Example" in message.body
    name, content, kind = message.attachments[0]
    assert kind == "application/pdf" and content.startswith(b"%PDF")


def test_it_refuses_a_guardian_without_email(letter: Letter) -> None:
    letter.guardian.email = ""
    letter.guardian.save()
    with pytest.raises(ValidationError, match="no email address"):
        letter_email_queue(letter=letter)


def test_it_refuses_a_letter_not_yet_produced(letter: Letter) -> None:
    Letter.objects.filter(pk=letter.pk).update(status="queued")
    with pytest.raises(ValidationError, match="not ready"):
        letter_email_queue(letter=letter)


def test_a_backend_failure_is_recorded(letter: Letter, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    Letter.objects.filter(pk=letter.pk).update(email_status="queued", email_to="a@example.com")
    assert letter_email_send(letter_id=letter.pk) == EmailStatus.FAILED
    letter.refresh_from_db()
    assert letter.email_error and letter.emailed_at is None
