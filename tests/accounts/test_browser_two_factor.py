"""Two-factor sign-in in a real browser, with the keyboard: a headteacher (required by
the production rule) is made to set up an authenticator, keeps the recovery codes, and
next time enters a code. Every page passes axe's serious and critical checks."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser_support import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret: str, *, steps: int = 0) -> str:
    key = b32decode(secret.replace(" ", ""))
    return f"{totp(key, t0=-steps * 30):06d}"


def test_a_headteacher_sets_up_two_factor_and_then_signs_in_with_a_code(
    page, head, required
) -> None:
    sign_in(page, head)

    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#secret-key").inner_text()
    page.get_by_label("Code from your authenticator app").fill(_code(secret))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("continue")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your schools")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, head)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("Code from your authenticator app")).fill(
        _code(secret, steps=1)  # the next step's code: this step's was used at set-up
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your schools")).to_be_visible()

    page.get_by_role("link", name="Two-factor sign-in").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
    assert_accessible(page)
