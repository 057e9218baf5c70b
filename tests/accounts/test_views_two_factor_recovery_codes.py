"""New recovery codes: the old ones stop working; the new ones are shown once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from accounts.services import recovery_codes_regenerate
from registers.models import User
from tests.accounts.conftest import add_authenticator, code_for, redirected_to, sign_in

pytestmark = pytest.mark.django_db
URL = reverse("two_factor_recovery_codes")


def test_making_new_codes_replaces_the_old_ones(client: Client, teacher: User) -> None:
    device = add_authenticator(teacher)
    old = recovery_codes_regenerate(user=teacher)
    sign_in(client, teacher)
    client.post(reverse("two_factor_verify"), {"code": code_for(device)})

    response = client.post(URL)

    assert redirected_to(response, "two_factor_recovery_codes")
    page = client.get(URL).content.decode()
    new = list(StaticToken.objects.filter(device__user=teacher).values_list("token", flat=True))
    assert len(new) == 10 and all(code in page for code in new)
    assert not set(old) & set(new)
    assert redirected_to(client.get(URL), "two_factor")  # shown once


def test_there_are_none_to_make_without_an_authenticator(client: Client, teacher: User) -> None:
    sign_in(client, teacher)

    assert redirected_to(client.post(URL), "two_factor")
    assert not StaticToken.objects.exists()


def test_an_unverified_session_cannot_make_new_codes(client: Client, teacher: User) -> None:
    add_authenticator(teacher)
    old = set(recovery_codes_regenerate(user=teacher))
    sign_in(client, teacher)

    assert redirected_to(client.post(URL), "two_factor_verify")
    assert set(StaticToken.objects.values_list("token", flat=True)) == old
