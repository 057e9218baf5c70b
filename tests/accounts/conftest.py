"""Two-factor fixtures: the production rule switched on, authenticators, codes, and
signing in through the real password form."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from registers.models import User
from tests.registers.factories import PASSWORD

PRODUCTION_RULE = ["headteacher", "trust_leader"]


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


@pytest.fixture
def required(settings) -> list[str]:
    """Headteachers and trust leaders must use two-factor sign-in (the production default;
    the test settings require nobody, so the rest of the suite signs in as before)."""
    settings.TWO_FACTOR_REQUIRED_ROLES = PRODUCTION_RULE
    return PRODUCTION_RULE


def add_authenticator(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def code_for(device: TOTPDevice, *, steps: int = 0) -> str:
    """The code the person's app shows now (or `steps` time steps from now)."""
    device.refresh_from_db()
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0 - steps * device.step,
        digits=device.digits,
        drift=device.drift,
    )
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that match none of the codes the device would accept now."""
    near = {code_for(device, steps=s) for s in (-2, -1, 0, 1, 2)}
    candidates = (f"{n:06d}" for n in range(10))
    return next(code for code in candidates if code not in near)


def sign_in(client: Client, user: User, *, next_url: str = "") -> object:
    """Sign in with the password through the real form (django-axes and all)."""
    data = {"username": user.username, "password": PASSWORD, "next": next_url}
    response = client.post(reverse("login"), data)
    assert response.status_code == 302, "the password sign-in failed"
    return response


def enter_code(client: Client, code: str, *, next_url: str = "") -> object:
    return client.post(reverse("two_factor_verify"), {"code": code, "next": next_url})


def redirected_to(response, url_name: str) -> bool:
    return response.status_code == 302 and response["Location"].split("?")[0] == reverse(url_name)
