"""Parents sign in by a one-time link: same answer for unknown addresses, no reuse."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from absences.models import SignInLink

pytestmark = pytest.mark.django_db
SIGNIN = "/parents/sign-in/"


def _ask(client: Client, email: str, capture, url: str = SIGNIN):
    with capture(execute=True):
        response = client.post(url, {"email": email})
    return response


def _link() -> str:
    found = re.search(r"http://testserver(/parents/sign-in/[^/\s]+/)", mail.outbox[-1].body)
    assert found
    return found.group(1)


def test_the_form_opens(client: Client, db) -> None:
    response = client.get(SIGNIN)
    assert response.status_code == 200 and b"Email me a sign-in link" in response.content


def test_known_and_unknown_addresses_get_the_same_answer(
    client: Client, family, django_capture_on_commit_callbacks
) -> None:
    known = _ask(client, "jo.hart@example.com", django_capture_on_commit_callbacks)
    unknown = _ask(client, "nobody@example.com", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("parents_signin_sent")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jo.hart@example.com"]


def test_a_bad_address_is_explained(client: Client, db) -> None:
    response = client.post(SIGNIN, {"email": "not an address"})
    assert response.status_code == 200 and b"There is a problem" in response.content


def test_the_link_signs_in_once(client: Client, family, django_capture_on_commit_callbacks) -> None:
    _ask(client, "jo.hart@example.com", django_capture_on_commit_callbacks)
    link = _link()
    confirm = client.get(link)
    assert confirm.status_code == 200 and b"Sign in" in confirm.content
    assert SignInLink.objects.get().used_at is None  # opening the link does not use it
    signed_in = client.post(link)
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("parents_home")
    family.guardian.refresh_from_db()
    assert client.session["_auth_user_id"] == str(family.guardian.user_id)
    assert client.get(reverse("parents_home")).status_code == 200
    other = Client()
    assert other.get(link).status_code == 410
    assert other.post(link).status_code == 410
    assert "_auth_user_id" not in other.session


@pytest.mark.parametrize("token", ["A" * 43, "abc", "0" * 64])
def test_a_guessed_link_is_refused(client: Client, family, token) -> None:
    assert client.post(f"/parents/sign-in/{token}/").status_code == 410
    assert "_auth_user_id" not in client.session


def test_an_expired_link_is_refused(
    client: Client, family, settings, django_capture_on_commit_callbacks
) -> None:
    _ask(client, "jo.hart@example.com", django_capture_on_commit_callbacks)
    link = SignInLink.objects.get()
    link.expires_at = link.created_at - dt.timedelta(seconds=1)
    link.save()
    assert client.post(_link()).status_code == 410


def test_it_returns_to_the_page_asked_for(
    client: Client, family, django_capture_on_commit_callbacks
) -> None:
    child = f"/parents/children/{family.children[0].pk}/"
    start = client.get(child)
    assert start.status_code == 302 and start["Location"] == f"{SIGNIN}?next={child}"
    _ask(client, "jo.hart@example.com", django_capture_on_commit_callbacks, url=start["Location"])
    assert client.post(_link())["Location"] == child


def test_it_never_returns_to_another_site(
    client: Client, family, django_capture_on_commit_callbacks
) -> None:
    _ask(
        client,
        "jo.hart@example.com",
        django_capture_on_commit_callbacks,
        url=f"{SIGNIN}?next=https://evil.example/",
    )
    assert client.post(_link())["Location"] == reverse("parents_home")


def test_requests_are_rate_limited_per_address(
    client: Client, family, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SIGNIN_REQUEST_RATE = "2/h"
    for _ in range(4):
        response = _ask(client, "jo.hart@example.com", django_capture_on_commit_callbacks)
        assert response.status_code == 302  # the same answer, limited or not
    assert len(mail.outbox) == 2
