"""Writing a letter by hand for one pupil: MANAGE_CASES only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from letters.models import Letter
from registers.models import Pupil, School, User

pytestmark = pytest.mark.django_db


def _url(school: School, pupil: Pupil) -> str:
    return reverse("letters_pupil_write", kwargs={"urn": school.urn, "pupil_id": pupil.pk})


def test_the_lead_writes_a_letter_to_each_chosen_parent(
    client: Client, lead: User, letterhead: School, pupil: Pupil
) -> None:
    client.force_login(lead)
    page = client.get(_url(letterhead, pupil))
    assert page.status_code == 200 and b"Alex Example" in page.content
    assert b"Robin Stepparent" not in page.content  # no parental responsibility
    ids = [link.guardian_id for link in pupil.guardian_links.filter(parental_responsibility=True)]
    response = client.post(
        _url(letterhead, pupil),
        {"kind": "support_meeting_invite", "guardians": ids,
         "meeting_arrangements": "on 20 March 2025 at 9:00 in the school office"},
    )  # fmt: skip
    assert response.status_code == 302
    letters = Letter.objects.filter(pupil=pupil)
    assert letters.count() == 2
    assert all("20 March 2025 at 9:00" in letter.data["body"] for letter in letters)


def test_bad_input_is_shown_with_the_reasons(
    client: Client, lead: User, letterhead: School, pupil: Pupil
) -> None:
    client.force_login(lead)
    response = client.post(_url(letterhead, pupil), {"kind": "lateness", "guardians": []})
    assert response.status_code == 400 and b"There is a problem" in response.content
    response = client.post(
        _url(letterhead, pupil),
        {"kind": "notice_to_improve", "guardians": [pupil.guardian_links.first().guardian_id],
         "improvement_start": "2025-03-17"},
    )  # fmt: skip
    assert response.status_code == 400 and b"or neither" in response.content
    assert not Letter.objects.exists()


def test_a_service_refusal_is_shown(
    client: Client, lead: User, letterhead: School, pupil: Pupil
) -> None:
    link = pupil.guardian_links.get(priority=1)
    link.guardian.address = ""
    link.guardian.save()
    client.force_login(lead)
    response = client.post(
        _url(letterhead, pupil), {"kind": "lateness", "guardians": [link.guardian_id]}
    )
    assert response.status_code == 400 and b"has no postal address" in response.content


@pytest.mark.parametrize("persona", ["teacher", "office", "governor", "outsider"])
def test_others_cannot_write(
    client: Client, persona: str, request, letterhead: School, pupil: Pupil
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(letterhead, pupil)).status_code == 404


def test_a_pupil_of_another_school_is_not_found(
    client: Client, lead: User, letterhead: School, other_school: School
) -> None:
    from tests.letters.factories import family

    stranger = family(other_school)
    client.force_login(lead)
    assert client.get(_url(letterhead, stranger)).status_code == 404
