from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_sign_in_with_the_keyboard_and_see_their_school(page, office, school) -> None:
    sign_in(page, office)

    expect(page.get_by_role("heading", name="Your schools")).to_be_visible()
    expect(page.get_by_text("Test School A").first).to_be_visible()
    assert_accessible(page)


def test_a_wrong_password_is_refused_with_a_message(page, office) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(office.username)
    page.get_by_label("Password").fill("not the password")
    page.keyboard.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("enter a correct username and password")
    assert_accessible(page)
