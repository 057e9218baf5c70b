"""The code after the password: required whenever an authenticator is set up."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import recovery_codes_regenerate
from registers.models import School, User
from tests.accounts.conftest import (
    add_authenticator,
    code_for,
    enter_code,
    redirected_to,
    sign_in,
    wrong_code,
)

pytestmark = pytest.mark.django_db


def _school_page(school: School) -> str:
    return reverse("registers_today", kwargs={"urn": school.urn})


def test_a_person_with_an_authenticator_must_enter_a_code_after_the_password(
    client: Client, teacher: User, school: School
) -> None:
    device = add_authenticator(teacher)
    sign_in(client, teacher)

    for url in (reverse("home"), _school_page(school), reverse("two_factor")):
        response = client.get(url)
        assert redirected_to(response, "two_factor_verify"), url
    assert client.get(_school_page(school))["Location"].endswith("?next=" + _school_page(school))
    assert client.get(reverse("two_factor_verify")).status_code == 200

    response = enter_code(client, code_for(device), next_url=_school_page(school))

    assert response.status_code == 302 and response["Location"] == _school_page(school)
    assert client.get(_school_page(school)).status_code == 200
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused_and_the_pages_stay_shut(client: Client, teacher: User) -> None:
    device = add_authenticator(teacher)
    sign_in(client, teacher)

    response = enter_code(client, wrong_code(device))

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert redirected_to(client.get(reverse("home")), "two_factor_verify")


def test_wrong_codes_lock_the_authenticator_for_longer_each_time(
    client: Client, teacher: User, caplog
) -> None:
    device = add_authenticator(teacher)
    sign_in(client, teacher)
    enter_code(client, wrong_code(device))
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # As after five wrong codes in a row: locked for 16 seconds from the last.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=5, throttling_failure_timestamp=timezone.now()
    )

    with caplog.at_level(logging.WARNING, logger="accounts.two_factor"):
        locked = enter_code(client, code_for(device))

    assert locked.status_code == 200
    assert "Too many wrong codes: wait 1" in locked.content.decode()  # 16 or 15 seconds
    assert "locked out" in caplog.text
    assert redirected_to(client.get(reverse("home")), "two_factor_verify")
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(minutes=1)
    )
    assert enter_code(client, code_for(device)).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_throttling_is_switched_on(settings) -> None:
    assert settings.OTP_TOTP_THROTTLE_FACTOR > 0
    assert settings.OTP_STATIC_THROTTLE_FACTOR > 0


def test_a_code_from_the_app_works_once(teacher: User) -> None:
    device = add_authenticator(teacher)
    code = code_for(device)
    first, second = Client(), Client()
    sign_in(first, teacher)
    sign_in(second, teacher)

    assert enter_code(first, code).status_code == 302
    assert enter_code(second, code).status_code == 200  # replayed


def test_a_recovery_code_works_once(
    teacher: User, caplog, django_capture_on_commit_callbacks
) -> None:
    add_authenticator(teacher)
    codes = recovery_codes_regenerate(user=teacher)
    first, second = Client(), Client()
    sign_in(first, teacher)
    sign_in(second, teacher)

    with (
        caplog.at_level(logging.INFO, logger="accounts.two_factor"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        used = enter_code(first, codes[0].upper()[:4] + "-" + codes[0][4:])

    assert used.status_code == 302
    assert first.get(reverse("home")).status_code == 200
    assert "recovery code used, 9 left" in caplog.text
    assert enter_code(second, codes[0]).status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    StaticDevice.objects.update(throttling_failure_timestamp=timezone.now() - dt.timedelta(hours=1))
    assert enter_code(second, codes[1]).status_code == 302


def test_someone_without_an_authenticator_is_sent_on(client: Client, teacher: User) -> None:
    sign_in(client, teacher)

    response = client.get(reverse("two_factor_verify"), {"next": "/schools/"})

    assert response.status_code == 302 and response["Location"] == "/schools/"


def test_it_refuses_to_send_people_to_another_site(client: Client, teacher: User) -> None:
    device = add_authenticator(teacher)
    sign_in(client, teacher)

    response = enter_code(client, code_for(device), next_url="https://evil.example/")

    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_signing_in_asks_for_nothing_more_without_an_authenticator(
    client: Client, teacher: User
) -> None:
    response = sign_in(client, teacher)

    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
