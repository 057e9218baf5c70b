"""Letters a decision called for but that could not be written: listed on the pupil
page and the Letters page until written or dealt with another way."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letters.models import LetterNotWritten
from registers.models import Pupil, School, User
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gap(letterhead: School, pupil: Pupil) -> LetterNotWritten:
    return LetterNotWritten.objects.create(
        school=letterhead, pupil=pupil, kind="notice_to_improve",
        occasion="Case decision of 14 March 2025",
        reason="Sam Example has no postal address on record.", created_at=timezone.now(),
    )  # fmt: skip


def _dismiss(school: School, gap: LetterNotWritten) -> str:
    return reverse("letters_not_written_dismiss", kwargs={"urn": school.urn, "gap_id": gap.pk})


def test_the_pupil_page_shows_it_with_a_way_to_write_it(
    client: Client, lead: User, letterhead: School, pupil: Pupil, gap: LetterNotWritten
) -> None:
    client.force_login(lead)
    page = reverse("dashboard_pupil", kwargs={"urn": letterhead.urn, "pupil_id": pupil.pk})
    content = client.get(page).content.decode()
    assert "could not be written" in content and "has no postal address on record" in content
    write = reverse("letters_pupil_write", kwargs={"urn": letterhead.urn, "pupil_id": pupil.pk})
    assert f"{write}?kind=notice_to_improve" in content
    form = client.get(f"{write}?kind=notice_to_improve").content.decode()
    assert (
        'value="notice_to_improve" selected' in form or 'value="notice_to_improve" checked' in form
    )


def test_the_letters_page_lists_it_with_the_pupil(
    client: Client, teacher: User, letterhead: School, pupil: Pupil, gap: LetterNotWritten
) -> None:
    client.force_login(teacher)
    content = client.get(reverse("letters_index", kwargs={"urn": letterhead.urn})).content.decode()
    assert "Notice to improve" in content and pupil.surname in content
    assert "Dealt with another way" not in content  # a teacher cannot take it off the list


def test_the_lead_records_it_was_dealt_with(
    client: Client, lead: User, letterhead: School, gap: LetterNotWritten
) -> None:
    client.force_login(lead)
    index = reverse("letters_index", kwargs={"urn": letterhead.urn})
    response = client.post(_dismiss(letterhead, gap), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == index
    gap.refresh_from_db()
    assert gap.dismissed_at is not None and gap.dismissed_by_name
    assert "could not be written" not in client.get(index).content.decode()


@pytest.mark.parametrize("persona", ["teacher", "governor", "outsider"])
def test_others_cannot_dismiss_it(
    client: Client, request, persona: str, letterhead: School, gap: LetterNotWritten
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_dismiss(letterhead, gap)).status_code == 404
    gap.refresh_from_db()
    assert gap.dismissed_at is None


def test_another_schools_gap_is_not_found(
    client: Client, lead: User, letterhead: School, other_school: School
) -> None:
    stranger = PupilFactory(school=other_school)
    theirs = LetterNotWritten.objects.create(
        school=other_school, pupil=stranger, kind="lateness", occasion="x", reason="y",
        created_at=timezone.now(),
    )  # fmt: skip
    client.force_login(lead)
    assert client.post(_dismiss(letterhead, theirs)).status_code == 404
