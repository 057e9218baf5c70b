"""Administrators create tokens in the admin (the key shown once) and revoke them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from registers.models import ApiToken, School, User
from registers.models.api import token_digest

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_token_and_sees_its_key_once(
    client: Client, superuser: User, school: School
) -> None:
    client.force_login(superuser)
    response = client.post(
        reverse("admin:registers_apitoken_add"),
        {"school": school.pk, "name": "Trust warehouse", "scopes": ["read"]},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    [message] = [str(m) for m in response.context["messages"] if "The key of" in str(m)]
    key = message.split(": ", 1)[1].split(" ")[0]
    assert token_digest(key) == token.digest and token.scopes == ["read"]
    assert token.created_by == superuser
    page = client.get(reverse("admin:registers_apitoken_change", args=[token.pk]))
    assert key not in page.content.decode()


def test_an_admin_revokes_tokens_and_cannot_delete_them(
    client: Client, superuser: User, school: School
) -> None:
    from registers.services.api_tokens import api_token_create

    token, _key = api_token_create(school=school, name="Old MIS", scopes=["read"], created_by=None)
    client.force_login(superuser)
    client.post(
        reverse("admin:registers_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    page = client.get(reverse("admin:registers_apitoken_change", args=[token.pk]))
    assert "deletelink" not in page.content.decode()
