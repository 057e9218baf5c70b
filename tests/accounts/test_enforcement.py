"""The second factor is enforced in one place (accounts.middleware) for every page, the
admin and session calls to the API; calls with an API token are left alone."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from registers.models import School, User
from registers.services.api_tokens import api_token_create
from tests.accounts.conftest import add_authenticator, code_for, redirected_to, sign_in

pytestmark = pytest.mark.django_db
API_SCHOOLS = reverse("api_schools")


def _key(school: School) -> str:
    _token, key = api_token_create(school=school, name="MIS", scopes=["read"], created_by=None)
    return key


def test_api_token_calls_are_unaffected(school: School, head: User, required) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {_key(school)}")

    assert api.get(API_SCHOOLS).status_code == 200
    sign_in(api, head)  # a session that still owes its second factor, plus a token
    assert api.get(API_SCHOOLS).status_code == 200


def test_a_session_that_owes_a_code_cannot_use_the_api(client: Client, teacher: User) -> None:
    device = add_authenticator(teacher)
    sign_in(client, teacher)

    refused = client.get(API_SCHOOLS)
    assert refused.status_code == 403 and "two-factor" in refused.json()["detail"]
    assert client.get(API_SCHOOLS, HTTP_AUTHORIZATION="Basic eDp5").status_code == 403

    client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert client.get(API_SCHOOLS).status_code == 200


def test_the_admin_needs_the_second_factor_too(client: Client, superuser: User) -> None:
    device = add_authenticator(superuser)
    sign_in(client, superuser)

    assert redirected_to(client.get(reverse("admin:index")), "two_factor_verify")
    assert redirected_to(client.get(reverse("admin:login")), "two_factor_verify")

    client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 200


def test_signing_out_always_works(client: Client, head: User, required) -> None:
    sign_in(client, head)

    response = client.post(reverse("logout"))

    assert redirected_to(response, "login")
    assert "_auth_user_id" not in client.session


def test_a_verified_session_keeps_its_second_factor_on_a_new_session_key(
    client: Client, teacher: User
) -> None:
    device = add_authenticator(teacher)
    sign_in(client, teacher)
    before = client.session.session_key

    client.post(reverse("two_factor_verify"), {"code": code_for(device)})

    assert client.session.session_key != before
    assert client.get(reverse("home")).status_code == 200


def test_an_authenticator_removed_by_the_admin_sends_a_required_role_back_to_set_up(
    client: Client, head: User, required
) -> None:
    device = add_authenticator(head)
    sign_in(client, head)
    client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert client.get(reverse("home")).status_code == 200

    TOTPDevice.objects.filter(user=head).delete()  # e.g. a lost phone

    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))


def test_staff_without_two_factor_pay_no_query_for_it_after_the_first_page(
    client: Client, teacher: User
) -> None:
    sign_in(client, teacher)
    client.get(reverse("home"))

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200

    assert not [q["sql"] for q in queries if "otp_" in q["sql"]]
