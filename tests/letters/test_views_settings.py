"""Letter settings: named staff and the lateness rule. MANAGE_CASES."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from letters.models import LetterSettings
from registers.models import School, User

pytestmark = pytest.mark.django_db


def _url(school: School) -> str:
    return reverse("letters_settings", kwargs={"urn": school.urn})


VALID = {
    "staff_contact_name": "Jo Officer",
    "staff_contact_position": "Pupil and parent officer",
    "signatory_name": "Pat Head",
    "signatory_position": "Headteacher",
    "lateness_limit": "10",
    "lateness_period": "half_term",
}


def test_the_head_saves_settings(client: Client, head: User, school: School) -> None:
    client.force_login(head)
    assert client.get(_url(school)).status_code == 200
    assert client.post(_url(school), VALID).status_code == 302
    assert LetterSettings.objects.get(school=school).staff_contact_name == "Jo Officer"


def test_bad_values_are_refused(client: Client, head: User, school: School) -> None:
    client.force_login(head)
    response = client.post(
        _url(school), {**VALID, "lateness_limit": "0", "lateness_period": "week"}
    )
    assert response.status_code == 400 and b"There is a problem" in response.content
    assert not LetterSettings.objects.exists()


@pytest.mark.parametrize("persona", ["teacher", "governor", "outsider"])
def test_others_cannot_change_settings(
    client: Client, persona: str, request, school: School
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_url(school), VALID).status_code == 404
