"""Turning two-factor sign-in off: only with the password, never for a required role."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp import user_has_device

from accounts.services import recovery_codes_regenerate
from registers.models import User
from tests.accounts.conftest import add_authenticator, code_for, redirected_to, sign_in
from tests.registers.factories import PASSWORD

pytestmark = pytest.mark.django_db
URL = reverse("two_factor_disable")


def _verified(client: Client, user: User) -> None:
    device = add_authenticator(user)
    recovery_codes_regenerate(user=user)
    sign_in(client, user)
    client.post(reverse("two_factor_verify"), {"code": code_for(device)})


def test_the_right_password_turns_it_off(
    client: Client, teacher: User, caplog, django_capture_on_commit_callbacks
) -> None:
    _verified(client, teacher)

    with (
        caplog.at_level(logging.INFO, logger="accounts.two_factor"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(URL, {"password": PASSWORD})

    assert redirected_to(response, "two_factor")
    assert not user_has_device(teacher, confirmed=None)
    assert f"turned off: {teacher.username}" in caplog.text
    client.logout()
    sign_in(client, teacher)
    assert client.get(reverse("home")).status_code == 200  # no code asked for


def test_a_wrong_password_is_refused(client: Client, teacher: User) -> None:
    _verified(client, teacher)

    response = client.post(URL, {"password": "not my password at all"})

    assert response.status_code == 200
    assert "That is not your password" in response.content.decode()
    assert user_has_device(teacher)


def test_wrong_passwords_here_count_towards_the_sign_in_lockout(
    client: Client, teacher: User
) -> None:
    _verified(client, teacher)

    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(URL, {"password": "guessing again"})

    assert response.status_code == 429
    assert client.post(URL, {"password": PASSWORD}).status_code == 429
    assert user_has_device(teacher)


def test_a_required_role_cannot_turn_it_off(client: Client, head: User, required) -> None:
    _verified(client, head)

    page = client.get(URL)
    refused = client.post(URL, {"password": PASSWORD})

    assert "cannot be turned off" in page.content.decode()
    assert refused.status_code == 403
    assert user_has_device(head)


def test_there_is_nothing_to_turn_off_without_an_authenticator(
    client: Client, teacher: User
) -> None:
    sign_in(client, teacher)

    assert redirected_to(client.get(URL), "two_factor")
