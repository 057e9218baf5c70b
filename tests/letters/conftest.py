"""Fixtures of the letters tests: a school with letterhead details, a family, PDF text."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from registers.models import Pupil, School
from tests.letters.factories import family


@pytest.fixture(autouse=True)
def _media(tmp_path, settings) -> None:  # noqa: PT004 - each test gets its own files
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def letterhead(school: School) -> School:
    school.address = "School Lane\nHatfield\nHertfordshire"
    school.postcode = "AL10 8ZZ"
    school.phone = "01707 000000"
    school.email = "office@school-a.example"
    school.headteacher = "Pat Head"
    school.save()
    return school


@pytest.fixture
def pupil(letterhead: School) -> Pupil:
    return family(letterhead)


def pdf_text(content: bytes) -> str:
    """All the text of a PDF, with whitespace runs made single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def stored_text(letter) -> str:
    with letter.pdf.open("rb") as handle:
        return pdf_text(handle.read())


@pytest.fixture
def ready_letters(letterhead: School, pupil: Pupil, lead, django_capture_on_commit_callbacks):
    """The first-letter pair for `pupil`, rendered."""
    from letters.models import Letter
    from letters.services import letter_generate
    from tests.letters.factories import AS_OF

    with django_capture_on_commit_callbacks(execute=True):
        letters = letter_generate(
            school=letterhead, pupil=pupil, kind="below_96_first", as_at=AS_OF, created_by=lead
        )
    return [Letter.objects.get(pk=letter.pk) for letter in letters]


@pytest.fixture
def letter(ready_letters):
    return ready_letters[0]
