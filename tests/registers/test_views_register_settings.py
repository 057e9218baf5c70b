"""Register settings: the headteacher sets register times within the spec's limits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from registers.models import Role, School, User

pytestmark = pytest.mark.django_db
TIMES = {"am_opens": "08:40", "am_closes": "09:05", "pm_opens": "13:00", "pm_closes": "13:30"}


def _url(school: School) -> str:
    return reverse("register_settings", kwargs={"urn": school.urn})


def _post(client: Client, user: User, school: School, **data: str):
    client.force_login(user)
    return client.post(_url(school), {**TIMES, **data})


def test_it_requires_login(client: Client, school: School) -> None:
    response = client.get(_url(school))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_headteacher_sees_the_times(client: Client, head: User, school: School) -> None:
    client.force_login(head)
    response = client.get(_url(school))
    assert response.status_code == 200
    assert 'value="08:45"' in response.content.decode()


@pytest.mark.parametrize(
    "role",
    [Role.OFFICE, Role.TEACHER, Role.ATTENDANCE_LEAD, Role.GOVERNOR, Role.TRUST_LEADER],
)
def test_other_roles_get_404(
    client: Client, personas: dict[Role, User], school: School, role: Role
) -> None:
    client.force_login(personas[role])
    assert client.get(_url(school)).status_code == 404
    assert _post(client, personas[role], school).status_code == 404
    school.refresh_from_db()
    assert school.am_opens == dt.time(8, 45)


def test_another_schools_head_gets_404(client: Client, outsider: User, school: School) -> None:
    assert _post(client, outsider, school).status_code == 404


def test_it_saves_valid_times(client: Client, head: User, school: School) -> None:
    response = _post(client, head, school)

    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.am_opens, school.am_closes) == (dt.time(8, 40), dt.time(9, 5))
    assert (school.pm_opens, school.pm_closes) == (dt.time(13, 0), dt.time(13, 30))
    assert "Register times saved" in client.get(response["Location"]).content.decode()


def test_thirty_minutes_exactly_is_allowed(client: Client, head: User, school: School) -> None:
    assert _post(client, head, school, am_opens="08:30", am_closes="09:00").status_code == 302


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"am_closes": "09:11"}, "am_closes", "at most 30 minutes"),
        ({"pm_closes": "13:31"}, "pm_closes", "at most 30 minutes"),
        ({"am_closes": "08:40"}, "am_closes", "must close after it opens"),
        ({"pm_closes": "12:55"}, "pm_closes", "must close after it opens"),
        ({"pm_opens": "09:00", "pm_closes": "09:20"}, "pm_opens", "after the morning one closes"),
        ({"am_opens": "25:99"}, "am_opens", "Enter a time"),
        ({"am_opens": ""}, "am_opens", "Enter a time"),
    ],
)
def test_it_refuses_times_outside_the_limits(
    client: Client, head: User, school: School, data: dict, field: str, message: str
) -> None:
    response = _post(client, head, school, **data)

    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    content = response.content.decode()
    assert "There is a problem" in content
    assert f'id="id_{field}_error"' in content
    school.refresh_from_db()
    assert school.am_opens == dt.time(8, 45)
