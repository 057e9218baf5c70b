"""Writing letters for a filtered list of pupils: MANAGE_CASES."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from escalation.models import PupilStatus
from letters.models import BatchStatus, LetterBatch
from registers.models import Pupil, School, User
from tests.letters.factories import family

pytestmark = pytest.mark.django_db


def _url(school: School) -> str:
    return reverse("letters_batch_new", kwargs={"urn": school.urn})


def test_the_lead_writes_letters_for_pupils_below_the_expected_rate(
    client: Client, lead: User, letterhead: School, pupil: Pupil, django_capture_on_commit_callbacks
) -> None:
    good = family(letterhead, forename="Gita", surname="Good")
    PupilStatus.objects.filter(pupil=good).update(attended=229, attendance_rate="99.6")
    client.force_login(lead)
    assert client.get(_url(letterhead)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(letterhead), {"kind": "below_96_first", "pupils": "below_concern"}
        )
    batch = LetterBatch.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/batches/{batch.pk}/")
    assert batch.status == BatchStatus.DONE and batch.pupils_total == 1
    assert {letter.pupil for letter in batch.letters.all()} == {pupil}


def test_a_registration_group_needs_its_name(
    client: Client, lead: User, letterhead: School
) -> None:
    client.force_login(lead)
    response = client.post(_url(letterhead), {"kind": "lateness", "pupils": "registration_group"})
    assert response.status_code == 400 and b"Enter the registration group" in response.content


def test_no_matching_pupils_is_explained(
    client: Client, lead: User, letterhead: School, pupil
) -> None:
    client.force_login(lead)
    response = client.post(
        _url(letterhead),
        {"kind": "lateness", "pupils": "registration_group", "registration_group": "9Z"},
    )
    assert response.status_code == 400 and b"No pupils on roll match" in response.content
    assert not LetterBatch.objects.exists()


def test_lateness_uses_the_schools_limit(
    client: Client, lead: User, letterhead: School, pupil: Pupil, django_capture_on_commit_callbacks
) -> None:
    punctual = family(letterhead, forename="Pia", surname="Punctual")
    PupilStatus.objects.filter(pupil=punctual).update(
        late_before_close_half_term=1, late_after_close_half_term=0
    )
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(letterhead), {"kind": "lateness", "pupils": "late"})
    assert {letter.pupil for letter in LetterBatch.objects.get().letters.all()} == {pupil}


@pytest.mark.parametrize("persona", ["teacher", "office", "governor", "outsider"])
def test_others_cannot_write_batches(client: Client, persona: str, request, letterhead) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(letterhead)).status_code == 404
