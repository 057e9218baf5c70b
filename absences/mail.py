"""An email backend that keeps messages in the database for the outbox page.

Enabled on the embedded defaults (settings/local.py) so the whole parent flow, sign-in
links included, can be tried on one machine without a mail server.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from absences.models import OutboxMessage

        now = timezone.now()
        OutboxMessage.objects.bulk_create(
            OutboxMessage(
                sent_at=now,
                subject=m.subject[:300],
                from_email=str(m.from_email)[:300],
                to=", ".join(m.recipients()),
                body=str(m.body),
                html=next(
                    (str(c) for c, kind in getattr(m, "alternatives", []) if kind == "text/html"),
                    "",
                ),
            )
            for m in email_messages
        )
        return len(email_messages)
