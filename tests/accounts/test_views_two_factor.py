"""A person's own two-factor settings page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import recovery_codes_regenerate
from registers.models import User
from tests.accounts.conftest import add_authenticator, code_for, sign_in

pytestmark = pytest.mark.django_db
URL = reverse("two_factor")


def _verified(client: Client, user: User) -> None:
    device = add_authenticator(user)
    recovery_codes_regenerate(user=user)
    sign_in(client, user)
    client.post(reverse("two_factor_verify"), {"code": code_for(device)})


def test_it_offers_to_turn_it_on_when_off(client: Client, teacher: User) -> None:
    sign_in(client, teacher)

    page = client.get(URL).content.decode()

    assert "Two-factor sign-in is off" in page
    assert reverse("two_factor_setup") in page
    assert 'href="/accounts/two-factor/"' in client.get(reverse("home")).content.decode()


def test_it_shows_the_codes_left_and_offers_to_turn_it_off(client: Client, teacher: User) -> None:
    _verified(client, teacher)

    page = client.get(URL).content.decode()

    assert "Two-factor sign-in is on" in page
    assert "<dd>10</dd>" in page
    assert reverse("two_factor_disable") in page


def test_a_required_role_is_not_offered_turning_it_off(
    client: Client, head: User, required
) -> None:
    _verified(client, head)

    page = client.get(URL).content.decode()

    assert reverse("two_factor_disable") not in page
    assert "Your role requires two-factor sign-in" in page


def test_it_needs_signing_in(client: Client) -> None:
    assert client.get(URL)["Location"].startswith(reverse("login"))
