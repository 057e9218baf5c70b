"""The development outbox: staff only, DEBUG only; the backend keeps messages."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection
from django.test import Client
from django.urls import reverse

from absences.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept() -> OutboxMessage:
    message = EmailMultiAlternatives(
        "Your sign-in link", "Open http://x/parents/sign-in/abc/", "a@b", ["jo@example.com"]
    )
    message.attach_alternative("<p>Open</p>", "text/html")
    get_connection("absences.mail.OutboxBackend").send_messages([message])
    return OutboxMessage.objects.get()


def test_the_backend_keeps_subject_recipients_text_and_html(kept) -> None:
    assert (kept.subject, kept.to, kept.html) == (
        "Your sign-in link",
        "jo@example.com",
        "<p>Open</p>",
    )


def test_staff_read_it_with_debug_on(client: Client, office, kept, settings) -> None:
    settings.DEBUG = True
    client.force_login(office)
    assert b"Your sign-in link" in client.get(reverse("absences_outbox")).content
    message = client.get(reverse("absences_outbox_message", kwargs={"message_id": kept.pk}))
    assert b"/parents/sign-in/abc/" in message.content


def test_it_does_not_exist_with_debug_off(client: Client, office, kept) -> None:
    client.force_login(office)
    assert client.get(reverse("absences_outbox")).status_code == 404


def test_parents_and_strangers_cannot_read_it(client: Client, family, kept, settings) -> None:
    from absences.services.signin import guardian_user

    settings.DEBUG = True
    assert client.get(reverse("absences_outbox")).status_code == 302
    client.force_login(guardian_user(guardian=family.guardian))
    assert client.get(reverse("absences_outbox")).status_code == 404
    assert (
        client.get(reverse("absences_outbox_message", kwargs={"message_id": kept.pk})).status_code
        == 404
    )


def test_the_office_queue_points_to_the_outbox_only_with_debug_on(
    client: Client, office, school, settings
) -> None:
    client.force_login(office)
    queue = reverse("absences_queue", kwargs={"urn": school.urn})
    assert reverse("absences_outbox").encode() not in client.get(queue).content
    settings.DEBUG = True
    assert reverse("absences_outbox").encode() in client.get(queue).content
