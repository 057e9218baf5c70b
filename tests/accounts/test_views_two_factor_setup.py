"""Setting up an authenticator: forced first for roles that require it, optional for the
rest, never a way round the code for someone who already has one."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from registers.models import Role, School, User
from tests.accounts.conftest import add_authenticator, code_for, redirected_to, sign_in, wrong_code

pytestmark = pytest.mark.django_db
URL = reverse("two_factor_setup")


def _pending(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.TRUST_LEADER])
def test_a_required_role_without_an_authenticator_reaches_nothing_until_it_is_set_up(
    client: Client, personas: dict[Role, User], school: School, required, role: Role
) -> None:
    user = personas[role]
    sign_in(client, user)
    blocked = [
        reverse("home"),
        reverse("two_factor"),
        reverse("week_grid", kwargs={"urn": school.urn}),
        reverse("admin:index"),
    ]
    for url in blocked:
        assert redirected_to(client.get(url), "two_factor_setup"), url
    assert redirected_to(client.get(reverse("two_factor_verify")), "two_factor_setup")

    page = client.get(URL)

    assert page.status_code == 200
    assert 'role="img"' in page.content.decode() and "<svg" in page.content.decode()
    assert "requires two-factor sign-in" in page.content.decode()


def test_setting_up_turns_it_on_and_shows_recovery_codes_once(
    client: Client, head: User, required, caplog, django_capture_on_commit_callbacks
) -> None:
    sign_in(client, head, next_url="/schools/")
    client.get(URL)
    device = _pending(head)

    with (
        caplog.at_level(logging.INFO, logger="accounts.two_factor"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(URL, {"code": code_for(device), "next": "/schools/"})

    assert redirected_to(response, "two_factor_recovery_codes")
    codes_page = client.get(response["Location"])
    tokens = set(StaticToken.objects.filter(device__user=head).values_list("token", flat=True))
    assert len(tokens) == 10 and all(t in codes_page.content.decode() for t in tokens)
    assert 'href="/schools/"' in codes_page.content.decode()
    assert redirected_to(client.get(reverse("two_factor_recovery_codes")), "two_factor")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    assert f"turned on: {head.username}" in caplog.text


def test_the_key_is_shown_for_typing_in_and_stays_the_same_until_confirmed(
    client: Client, teacher: User
) -> None:
    sign_in(client, teacher)
    first = client.get(URL).content.decode()
    again = client.get(URL).content.decode()

    key = re.search(r'<code id="secret-key">([A-Z2-7 ]+)</code>', first)
    assert key is not None and key.group(1) in again
    assert TOTPDevice.objects.filter(user=teacher).count() == 1


def test_a_wrong_confirmation_code_is_refused(client: Client, head: User, required) -> None:
    sign_in(client, head)
    client.get(URL)
    device = _pending(head)

    response = client.post(URL, {"code": wrong_code(device)})

    assert response.status_code == 200 and "That code is not right" in response.content.decode()
    assert not _pending(head).confirmed
    assert redirected_to(client.get(reverse("home")), "two_factor_setup")


def test_a_role_not_required_may_skip_it(client: Client, teacher: User, required) -> None:
    sign_in(client, teacher)

    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("two_factor")).status_code == 200


def test_nobody_is_required_when_the_setting_is_empty(client: Client, head: User) -> None:
    sign_in(client, head)

    assert client.get(reverse("home")).status_code == 200


def test_someone_with_an_authenticator_cannot_add_another_instead_of_entering_a_code(
    client: Client, teacher: User
) -> None:
    add_authenticator(teacher)
    sign_in(client, teacher)

    assert redirected_to(client.get(URL), "two_factor_verify")
    assert redirected_to(client.post(URL, {"code": "123456"}), "two_factor_verify")
    assert not TOTPDevice.objects.filter(user=teacher, confirmed=False).exists()


def test_it_is_already_on_for_a_verified_session(client: Client, teacher: User) -> None:
    device = add_authenticator(teacher)
    sign_in(client, teacher)
    client.post(reverse("two_factor_verify"), {"code": code_for(device)})

    assert redirected_to(client.get(URL), "two_factor")


def test_parents_have_no_two_factor_pages(client: Client, db) -> None:
    parent = User.objects.create(username="a-parent")
    client.force_login(parent)

    assert client.get(URL).status_code == 404
    assert client.get(reverse("two_factor")).status_code == 404


def test_the_page_needs_no_inline_script(client: Client, teacher: User) -> None:
    sign_in(client, teacher)

    page = client.get(URL).content.decode()

    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert 'for="id_code"' in page and 'autocomplete="one-time-code"' in page
