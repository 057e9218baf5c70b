"""The letters part of a subject access export: the stored PDF only while its checksum
matches, as everywhere else it is served."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from letters.models import Letter
from letters.subject_access import letters_subject_access
from registers.models import Pupil, School

pytestmark = pytest.mark.django_db


def _files(pupil: Pupil, school: School) -> dict[str, object]:
    return {e.path: e for e in letters_subject_access(pupil=pupil, school=school)}


def _folder(letter: Letter) -> str:
    return f"letters/{letter.letter_date.isoformat()}-{letter.pk}-{letter.kind}"


def test_each_letter_is_its_record_data_and_pdf(letterhead: School, pupil: Pupil, letter) -> None:
    files = _files(pupil, letterhead)
    with letter.pdf.open("rb") as handle:
        assert files[f"{_folder(letter)}/letter.pdf"].content == handle.read()
    assert files[f"{_folder(letter)}/data.json"].data == letter.data
    assert files[f"{_folder(letter)}/record.json"].data["pdf_in_export"] == "letter.pdf"
    assert "data" not in files[f"{_folder(letter)}/record.json"].data


def test_an_altered_pdf_is_left_out_and_said_so(letterhead: School, pupil: Pupil, letter) -> None:
    letter.pdf.save(letter.pdf.name.rsplit("/", 1)[-1], ContentFile(b"%PDF forged"), save=True)
    files = _files(pupil, letterhead)
    assert f"{_folder(letter)}/letter.pdf" not in files
    note = files[f"{_folder(letter)}/record.json"].data["pdf_in_export"]
    assert "no longer matches its checksum" in note


def test_another_schools_letters_are_not_included(
    letterhead: School, sibling_school: School, pupil: Pupil, letter
) -> None:
    assert list(letters_subject_access(pupil=pupil, school=sibling_school)) == []
