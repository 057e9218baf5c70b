"""Email a letter's PDF to its guardian, through Django's email backend, and record the
outcome on the letter."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from letters.models import EmailStatus, Letter, LetterStatus
from letters.services.render import stored_pdf


@transaction.atomic
def letter_email_queue(*, letter: Letter) -> Letter:
    """Check the letter can be emailed and queue it; the task sends it after commit."""
    letter = (
        Letter.objects.select_for_update(of=("self",)).select_related("guardian").get(pk=letter.pk)
    )
    if letter.status != LetterStatus.READY:
        raise ValidationError("The letter's PDF is not ready yet.")
    email = letter.guardian.email if letter.guardian else ""
    if not email:
        raise ValidationError("This parent or carer has no email address on record.")
    if letter.email_status in (EmailStatus.QUEUED,):
        raise ValidationError("This letter is already queued to be emailed.")
    letter.email_status, letter.email_to, letter.email_error = EmailStatus.QUEUED, email, ""
    letter.save(update_fields=["email_status", "email_to", "email_error"])
    from letters.tasks import letter_email_task

    letter_email_task.delay_on_commit(letter.pk)
    return letter


def letter_email_send(*, letter_id: int) -> str:
    """Send a queued letter; records sent or failed (with the reason) and returns it."""
    letter = Letter.objects.select_related("school").get(pk=letter_id)
    if letter.email_status != EmailStatus.QUEUED:
        return letter.email_status
    content = stored_pdf(letter)
    context = {"letter": letter, "d": letter.data}
    if content is None:
        return _record(letter, EmailStatus.FAILED, "The stored PDF is missing or altered.")
    message = EmailMultiAlternatives(
        subject=render_to_string("letters/email/letter_subject.txt", context).strip(),
        body=render_to_string("letters/email/letter_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[letter.email_to],
        reply_to=[letter.school.email] if letter.school.email else None,
    )
    message.attach_alternative(
        render_to_string("letters/email/letter_body.html", context), "text/html"
    )
    message.attach(letter.filename, content, "application/pdf")
    try:
        message.send()
    except Exception as error:  # any backend failure is recorded, not raised
        return _record(letter, EmailStatus.FAILED, f"{type(error).__name__}: {error}")
    return _record(letter, EmailStatus.SENT, "")


def _record(letter: Letter, status: str, error: str) -> str:
    letter.email_status, letter.email_error = status, error
    letter.emailed_at = timezone.now() if status == EmailStatus.SENT else None
    letter.save(update_fields=["email_status", "email_error", "emailed_at"])
    return status
