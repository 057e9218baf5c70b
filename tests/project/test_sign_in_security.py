"""Sign-in hardening: lockout after repeated failures, strong passwords, session expiry,
security headers and the Content Security Policy."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from registers.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "a long school passphrase"


@pytest.fixture
def staff(db) -> User:
    user = User.objects.create(username="jsmith", first_name="Jo")
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(client: Client, password: str):
    return client.post(reverse("login"), {"username": "jsmith", "password": password})


def test_five_failures_lock_the_account_on_that_device_even_for_the_right_password(
    client: Client, staff: User
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "wrong").status_code == 200
    locked = _sign_in(client, "wrong")
    assert locked.status_code == 429 and "Sign-in paused" in locked.content.decode()
    after = _sign_in(client, PASSWORD)
    assert after.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_count(client: Client, staff: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "wrong")
    assert _sign_in(client, PASSWORD).status_code == 302
    client.logout()
    assert _sign_in(client, "wrong").status_code == 200  # counting starts again


@pytest.mark.parametrize("weak", ["short1", "password1234", "123456789012", "abc"])
def test_weak_passwords_are_refused(staff: User, weak: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(weak, user=staff)


def test_a_long_passphrase_is_accepted(staff: User) -> None:
    validate_password("marking registers at quarter to nine", user=staff)


def test_idle_sessions_expire_and_cookies_are_locked_down() -> None:
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY


def test_pages_carry_the_security_headers_and_policy(client: Client) -> None:
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_api_docs_load_their_assets_from_this_site(client: Client) -> None:
    page = client.get(reverse("api_docs")).content.decode()
    assert "cdn." not in page and "jsdelivr" not in page
