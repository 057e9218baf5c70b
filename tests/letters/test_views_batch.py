"""A batch's progress page (htmx polls a partial) and its downloads."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from letters.models import LetterBatch
from letters.services import letter_batch_create
from registers.models import Pupil, School, User
from tests.letters.factories import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(
    letterhead: School, pupil: Pupil, lead: User, django_capture_on_commit_callbacks
) -> LetterBatch:
    with django_capture_on_commit_callbacks(execute=True):
        made = letter_batch_create(
            school=letterhead, kind="lateness", as_at=AS_OF, pupils=[pupil], created_by=lead
        )
    return LetterBatch.objects.get(pk=made.pk)


def _url(batch: LetterBatch, name: str = "letters_batch", **kw) -> str:
    return reverse(name, kwargs={"urn": batch.school.urn, "batch_id": batch.pk, **kw})


def test_staff_see_a_finished_batch_and_its_downloads(client: Client, teacher: User, batch) -> None:
    client.force_login(teacher)
    response = client.get(_url(batch))
    assert response.status_code == 200
    assert (
        b"2 of 2 letters done" in response.content and b"one PDF for printing" in response.content
    )
    pdf = client.get(_url(batch, "letters_batch_file", what="pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    archive = client.get(_url(batch, "letters_batch_file", what="zip"))
    assert archive.status_code == 200 and archive.content.startswith(b"PK")
    assert client.get(_url(batch, "letters_batch_file", what="exe")).status_code == 404


def test_a_running_batch_is_polled_with_htmx_and_has_a_refresh_link(
    client: Client, lead: User, batch: LetterBatch
) -> None:
    LetterBatch.objects.filter(pk=batch.pk).update(status="rendering", letters_rendered=1)
    client.force_login(lead)
    page = client.get(_url(batch))
    assert b'hx-trigger="every 2s"' in page.content and b"Refresh" in page.content
    partial = client.get(_url(batch), HTTP_HX_REQUEST="true")
    assert b"<h1" not in partial.content and b"1 of 2 letters done" in partial.content


def test_problems_are_listed(client: Client, lead: User, batch: LetterBatch) -> None:
    LetterBatch.objects.filter(pk=batch.pk).update(
        problems=[{"pupil": "Nadia Nowhere", "error": "Alex has no postal address on record."}]
    )
    client.force_login(lead)
    assert b"Nadia Nowhere" in client.get(_url(batch)).content


@pytest.mark.parametrize("persona", ["governor", "outsider"])
def test_governors_and_other_schools_get_404(client: Client, persona: str, request, batch) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(batch)).status_code == 404
    assert client.get(_url(batch, "letters_batch_file", what="pdf")).status_code == 404
