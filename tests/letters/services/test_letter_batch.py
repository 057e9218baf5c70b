"""Batches: a bad record is reported and the others are produced; one merged PDF for
printing and a zip of one file per letter."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader

from letters.models import BatchStatus, LetterBatch, LetterStatus
from letters.services import letter_batch_create, letter_batch_finish
from registers.models import Pupil, School, User
from tests.letters.factories import AS_OF, family
from tests.registers.factories import PupilFactory, PupilGuardianFactory

pytestmark = pytest.mark.django_db


def _batch(school: School, pupils: list[Pupil], user: User, kind: str = "below_96_first"):
    return letter_batch_create(
        school=school, kind=kind, as_at=AS_OF, pupils=pupils, created_by=user, description="test"
    )


def test_a_batch_survives_a_bad_record(
    letterhead: School, pupil: Pupil, lead: User, django_capture_on_commit_callbacks
) -> None:
    no_address = family(letterhead, forename="Nadia", surname="Nowhere")
    link = no_address.guardian_links.get(priority=1)
    link.guardian.address = ""
    link.guardian.save()
    no_figures = PupilFactory(school=letterhead, forename="Fresh", surname="Start")
    PupilGuardianFactory(pupil=no_figures)
    other = family(letterhead, forename="Olly", surname="Other")
    with django_capture_on_commit_callbacks(execute=True):
        batch = _batch(letterhead, [pupil, no_address, no_figures, other], lead)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert (batch.pupils_total, batch.letters_total, batch.letters_rendered) == (4, 4, 4)
    problems = {p["pupil"]: p["error"] for p in batch.problems}
    assert "no postal address" in problems["Nadia Nowhere"]
    assert "attendance_rate" in problems["Fresh Start"]
    assert all(letter.status == LetterStatus.READY for letter in batch.letters.all())
    merged = PdfReader(io.BytesIO(batch.merged_pdf.read()))
    assert len(merged.pages) == 8  # four one-page letters, each followed by a blank back
    names = zipfile.ZipFile(io.BytesIO(batch.archive.read())).namelist()
    assert len(names) == 4 and all(n.endswith(".pdf") for n in names)


def test_a_batch_with_no_letter_written_fails_with_its_reasons(
    letterhead: School, lead: User, django_capture_on_commit_callbacks
) -> None:
    no_figures = PupilFactory(school=letterhead, forename="Fresh", surname="Start")
    PupilGuardianFactory(pupil=no_figures)
    with django_capture_on_commit_callbacks(execute=True):
        batch = _batch(letterhead, [no_figures], lead)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and batch.letters_total == 0
    assert batch.problems[0]["pupil"] == "Fresh Start"


def test_a_batch_is_rendered_in_chunks(
    letterhead: School, lead: User, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    monkeypatch.setattr("letters.services.batches.CHUNK", 3)
    pupils = [family(letterhead, forename=f"P{n}", surname=f"Family{n}") for n in range(4)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = _batch(letterhead, pupils, lead)
    assert len(callbacks) == 3  # 8 letters in chunks of 3
    for callback in callbacks:
        callback()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.letters_rendered == 8


def test_finishing_is_claimed_once(
    letterhead: School, pupil: Pupil, lead: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        batch = _batch(letterhead, [pupil], lead)
    assert LetterBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE
    assert letter_batch_finish(batch_id=batch.pk) is False


def test_a_batch_is_not_finished_while_letters_are_queued(
    letterhead: School, pupil: Pupil, lead: User
) -> None:
    batch = _batch(letterhead, [pupil], lead)
    assert letter_batch_finish(batch_id=batch.pk) is False
    assert LetterBatch.objects.get(pk=batch.pk).status == BatchStatus.RENDERING
