"""The layout: school navigation by role, and the school switcher."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from registers.models import Role, School, User

pytestmark = pytest.mark.django_db

AREAS = ["Today's registers", "Week grid", "Bulk entry", "Register settings"]


def _nav_labels(client: Client, user: User, school: School) -> list[str]:
    client.force_login(user)
    response = client.get(f"/schools/{school.urn}/week/")
    if response.status_code != 200:
        response = client.get("/")
    return [link.label for link in response.context["nav_links"]]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.TEACHER, ["Today's registers", "Week grid"]),
        (Role.OFFICE, ["Today's registers", "Week grid", "Bulk entry"]),
        (Role.ATTENDANCE_LEAD, ["Today's registers", "Week grid", "Bulk entry"]),
        (Role.HEADTEACHER, AREAS),
        (Role.GOVERNOR, []),
        (Role.TRUST_LEADER, ["Week grid"]),
    ],
)
def test_each_role_sees_only_the_areas_it_may_use(
    client: Client, personas, school: School, role: Role, expected: list[str]
) -> None:
    labels = [label for label in _nav_labels(client, personas[role], school) if label in AREAS]

    assert labels == expected


def test_the_current_area_is_marked_for_screen_readers(
    client: Client, office: User, school
) -> None:
    client.force_login(office)

    content = client.get(f"/schools/{school.urn}/week/").content.decode()

    assert f'href="/schools/{school.urn}/week/" aria-current="page"' in content


def test_a_trust_leader_can_switch_between_the_trusts_schools(
    client: Client, trust_leader: User, school: School, sibling_school: School
) -> None:
    client.force_login(trust_leader)

    page = client.get("/").content.decode()
    response = client.get("/schools/", {"urn": sibling_school.urn})

    assert 'id="school-switcher"' in page
    assert sibling_school.name in page
    assert response.status_code == 302
    assert response["Location"] == f"/schools/{sibling_school.urn}/week/"


def test_switching_to_another_trusts_school_is_404(
    client: Client, office: User, other_school: School
) -> None:
    client.force_login(office)

    assert client.get("/schools/", {"urn": other_school.urn}).status_code == 404


def test_a_governor_switching_lands_on_the_first_area_a_governor_may_use(
    client: Client, governor: User, school: School
) -> None:
    from registers.navigation import NAV_ITEMS
    from registers.permissions import ROLE_CAPABILITIES

    client.force_login(governor)
    allowed = [i for i in NAV_ITEMS if i.capability in ROLE_CAPABILITIES[Role.GOVERNOR]]

    response = client.get("/schools/", {"urn": school.urn})

    expected = reverse(allowed[0].url_name, kwargs={"urn": school.urn}) if allowed else "/"
    assert response["Location"] == expected
