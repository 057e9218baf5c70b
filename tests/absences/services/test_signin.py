"""One-time sign-in links: hashed, expiring, single use, the same for unknown addresses."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from absences.models import SignInLink
from absences.services.signin import (
    SignInLinkInvalid,
    guardian_user,
    signin_link_redeem,
    signin_link_request,
    signin_link_send,
    token_hash,
)

pytestmark = pytest.mark.django_db
ORIGIN = "http://testserver/"


def _token() -> str:
    found = re.search(r"/parents/sign-in/([^/\s]+)/", mail.outbox[-1].body)
    assert found
    return found.group(1)


def test_a_known_address_gets_a_link_and_only_its_hash_is_stored(family) -> None:
    assert signin_link_send(email="JO.HART@example.com ", origin=ORIGIN) is True
    token = _token()
    assert len(token) >= 43  # 256 random bits
    link = SignInLink.objects.get()
    assert link.token_hash == token_hash(token) and token not in link.token_hash
    assert link.guardian == family.guardian


def test_an_unknown_address_gets_nothing(family) -> None:
    assert signin_link_send(email="nobody@example.com", origin=ORIGIN) is False
    assert mail.outbox == [] and not SignInLink.objects.exists()


def test_the_request_only_queues_the_lookup(family, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        signin_link_request(email="jo.hart@example.com", origin=ORIGIN)
        signin_link_request(email="nobody@example.com", origin=ORIGIN)
    assert len(callbacks) == 2 and not SignInLink.objects.exists()


def test_a_link_creates_and_links_the_user_once(family) -> None:
    signin_link_send(email="jo.hart@example.com", origin=ORIGIN)
    user = signin_link_redeem(token=_token())
    family.guardian.refresh_from_db()
    assert family.guardian.user == user and not user.has_usable_password()
    assert user.email == "jo.hart@example.com"
    signin_link_send(email="jo.hart@example.com", origin=ORIGIN)
    assert signin_link_redeem(token=_token()) == user


def test_a_link_works_once(family) -> None:
    signin_link_send(email="jo.hart@example.com", origin=ORIGIN)
    token = _token()
    signin_link_redeem(token=token)
    with pytest.raises(SignInLinkInvalid):
        signin_link_redeem(token=token)


def test_a_link_expires(family, settings) -> None:
    signin_link_send(email="jo.hart@example.com", origin=ORIGIN)
    later = timezone.now() + dt.timedelta(minutes=settings.SIGNIN_LINK_MINUTES + 1)
    with pytest.raises(SignInLinkInvalid):
        signin_link_redeem(token=_token(), now=later)


@pytest.mark.parametrize("guess", ["", "x", "A" * 43, "../../admin"])
def test_a_guessed_token_is_refused(family, guess) -> None:
    signin_link_send(email="jo.hart@example.com", origin=ORIGIN)
    with pytest.raises(SignInLinkInvalid):
        signin_link_redeem(token=guess)


def test_the_stored_hash_is_not_a_token(family) -> None:
    signin_link_send(email="jo.hart@example.com", origin=ORIGIN)
    with pytest.raises(SignInLinkInvalid):
        signin_link_redeem(token=SignInLink.objects.get().token_hash)


def test_an_existing_user_is_kept(family, teacher) -> None:
    family.guardian.user = teacher
    family.guardian.save()
    assert guardian_user(guardian=family.guardian) == teacher
