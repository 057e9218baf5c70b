"""Passwordless sign-in for parents: a one-time link sent to a guardian's email address.

The token is 256 random bits sent only in the email; the database keeps its SHA-256, so
a copy of the database cannot be used to sign in. A link works once, for
`SIGNIN_LINK_MINUTES`, and asking for a link answers the same whether or not the address
is known: the look-up and the email happen in a task after the response.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from absences.models import SignInLink
from absences.services.emails import email_send
from registers.models import Guardian, User


class SignInLinkInvalid(Exception):
    """The link is unknown, used or expired (the parent is told the same in every case)."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def guardian_for_email(email: str) -> Guardian | None:
    """The guardian record an address signs in to: one already linked to a user first,
    then the oldest record with children."""
    return (
        Guardian.objects.filter(email__iexact=email.strip(), pupil_links__isnull=False)
        .distinct()
        .order_by("user_id", "pk")
        .first()
        if email.strip()
        else None
    )


def signin_link_request(*, email: str, origin: str) -> None:
    """Queue the link's email; the response is the same for every address."""
    from absences.tasks import signin_link_task

    transaction.on_commit(lambda: signin_link_task.delay(email=email, origin=origin))


@transaction.atomic
def signin_link_send(*, email: str, origin: str, now: dt.datetime | None = None) -> bool:
    """Create a link for the guardian with this address and email it; False if none."""
    guardian = guardian_for_email(email)
    if guardian is None:
        return False
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        guardian=guardian,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=settings.SIGNIN_LINK_MINUTES),
    )
    url = origin.rstrip("/") + reverse("parents_signin_confirm", kwargs={"token": token})
    # Sent inside the transaction: if sending fails, no unusable link is left stored.
    email_send(
        template="signin_link",
        to=guardian.email,
        context={"guardian": guardian, "url": url, "minutes": settings.SIGNIN_LINK_MINUTES},
    )
    return True


def signin_link_check(*, token: str, now: dt.datetime | None = None) -> SignInLink:
    """The link, if it can still be used (without using it)."""
    now = now or timezone.now()
    link = (
        SignInLink.objects.select_related("guardian")
        .filter(token_hash=token_hash(token), used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if link is None:
        raise SignInLinkInvalid
    return link


@transaction.atomic
def signin_link_redeem(*, token: str, now: dt.datetime | None = None) -> User:
    """Use a link once and return the parent's user, created and linked on first sign-in.

    The conditional update claims the link: of two simultaneous uses only one succeeds.
    """
    now = now or timezone.now()
    link = signin_link_check(token=token, now=now)
    claimed = SignInLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now)
    if claimed != 1:
        raise SignInLinkInvalid
    return guardian_user(guardian=link.guardian)


@transaction.atomic
def guardian_user(*, guardian: Guardian) -> User:
    """The guardian's user, creating one (no password: links only) the first time."""
    guardian = Guardian.objects.select_for_update().get(pk=guardian.pk)
    if guardian.user_id is not None:
        return guardian.user
    first, _space, last = guardian.name.partition(" ")
    user = User(
        username=f"parent-{guardian.pk}",
        email=guardian.email,
        first_name=first[:150],
        last_name=last[:150],
    )
    user.set_unusable_password()
    user.save()
    guardian.user = user
    guardian.save(update_fields=["user"])
    return user
