"""The home page: the signed-in person's schools, and nobody else's."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from registers.models import Role, School, User
from tests.registers.factories import UserFactory

pytestmark = pytest.mark.django_db
HOME = reverse("home")


def _get(client: Client, user: User):
    client.force_login(user)
    return client.get(HOME)


def test_it_requires_login(client: Client) -> None:
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_its_school(
    client: Client, personas: dict[Role, User], school: School, role: Role
) -> None:
    response = _get(client, personas[role])
    assert response.status_code == 200
    assert [o.school for o in response.context["overviews"]] == [school]
    assert f"URN {school.urn}" in response.content.decode()


def test_a_governor_sees_the_school_card(client: Client, governor: User, school: School) -> None:
    content = _get(client, governor).content.decode()
    assert school.name in content
    assert "Pupils on roll" in content


def test_it_hides_other_schools(
    client: Client, head: User, other_school: School, sibling_school: School
) -> None:
    content = _get(client, head).content.decode()
    assert other_school.name not in content
    assert sibling_school.name not in content


def test_another_schools_user_does_not_see_this_school(
    client: Client, outsider: User, school: School, other_school: School
) -> None:
    response = _get(client, outsider)
    assert [o.school for o in response.context["overviews"]] == [other_school]
    assert school.name not in response.content.decode()


def test_a_trust_leader_sees_every_school_of_the_trust(
    client: Client,
    trust_leader: User,
    school: School,
    sibling_school: School,
    other_school: School,
) -> None:
    response = _get(client, trust_leader)
    assert [o.school for o in response.context["overviews"]] == [school, sibling_school]


def test_a_user_without_a_role_is_told_so(client: Client) -> None:
    response = _get(client, UserFactory())
    assert response.context["overviews"] == []
    assert "no school roles" in response.content.decode()


def test_an_inactive_user_is_sent_to_login(client: Client, head: User) -> None:
    head.is_active = False
    head.save(update_fields=["is_active"])
    assert _get(client, head).status_code == 302
