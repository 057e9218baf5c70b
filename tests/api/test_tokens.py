"""Integration tokens: shown once, stored hashed, scoped to one school, revocable."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from registers.models import ApiToken, School
from registers.models.api import token_digest
from registers.services.api_tokens import api_token_create, api_token_revoke
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


def _pupils(school: School) -> str:
    return reverse("api_pupils", kwargs={"urn": school.urn})


def test_it_stores_only_the_digest_and_a_service_account(school: School) -> None:
    token, key = api_token_create(
        school=school, name="MIS connector", scopes=["read"], created_by=None
    )
    assert key.startswith("att_") and len(key) > 40
    assert token.digest == token_digest(key) and key not in token.digest
    assert token.prefix == key[:10]
    assert not token.user.has_usable_password() and token.user.position == "API integration"
    assert token.user.memberships.count() == 0


def test_it_refuses_unknown_scopes_empty_names_and_live_duplicates(school: School) -> None:
    with pytest.raises(ValidationError, match="scopes"):
        api_token_create(school=school, name="X", scopes=["admin"], created_by=None)
    with pytest.raises(ValidationError, match="Name the integration"):
        api_token_create(school=school, name="  ", scopes=["read"], created_by=None)
    api_token_create(school=school, name="X", scopes=["read"], created_by=None)
    with pytest.raises(ValidationError, match="already has a live token"):
        api_token_create(school=school, name="X", scopes=["read"], created_by=None)


def test_a_token_reads_its_school_and_records_its_use(school: School, reader: APIClient) -> None:
    response = reader.get(_pupils(school))
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_gets_404_at_another_school(
    school: School, other_school: School, reader: APIClient
) -> None:
    response = reader.get(_pupils(other_school))
    assert response.status_code == 404
    assert response.json() == {"detail": "No such school."}


def test_a_revoked_token_is_refused_at_once(school: School) -> None:
    client = token_client(school, "read")
    api_token_revoke(token=ApiToken.objects.get())
    response = client.get(_pupils(school))
    assert response.status_code == 401
    assert response.json()["detail"] == "This API token has been revoked."


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer att_not-a-real-key", "Unknown API token."),
        ("Bearer something-else", "That is not an API token."),
        ("Bearer a b", "Send the header as 'Bearer <token>'."),
    ],
)
def test_bad_keys_are_refused_with_a_clear_message(
    school: School, api: APIClient, header: str, message: str
) -> None:
    response = api.get(_pupils(school), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["detail"] == message


def test_without_credentials_the_api_answers_401_or_403_in_json(
    school: School, api: APIClient
) -> None:
    response = api.get(_pupils(school))
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_tokens_are_rate_limited(school: School, reader: APIClient, monkeypatch) -> None:
    from registers.api.access import TokenRateThrottle

    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    codes = [reader.get(_pupils(school)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
