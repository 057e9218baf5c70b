"""The letters app's part of a subject access export: each letter about the pupil, as
its record, the data frozen into it, and the PDF as stored (only while its checksum
matches, as everywhere else the stored PDF is served)."""

from __future__ import annotations

from collections.abc import Iterator

from letters.models import Letter, LetterNotWritten
from letters.services.render import stored_pdf
from registers.models import Pupil, School
from registers.subject_access import Entry, SubjectAccessSource, record, user_fields


def _letter(letter: Letter) -> Iterator[Entry]:
    folder = f"letters/{letter.letter_date.isoformat()}-{letter.pk}-{letter.kind}"
    content = stored_pdf(letter)
    if content is None and letter.pdf:
        pdf_note = "The stored PDF is missing or no longer matches its checksum: not included."
    else:
        pdf_note = "letter.pdf" if content is not None else "No PDF was produced."
    yield Entry(f"{folder}/record.json", record(letter, exclude=["data"], pdf_in_export=pdf_note))
    yield Entry(f"{folder}/data.json", letter.data)
    if content is not None:
        yield Entry(f"{folder}/letter.pdf", content=content)


def letters_subject_access(*, pupil: Pupil, school: School) -> Iterator[Entry]:
    letters = Letter.objects.filter(school=school, pupil=pupil)
    for letter in letters.select_related(*user_fields(Letter)).order_by("created_at", "id"):
        yield from _letter(letter)
    gaps = LetterNotWritten.objects.filter(school=school, pupil=pupil).order_by("created_at", "id")
    if rows := [record(gap) for gap in gaps]:
        yield Entry("letters/not_written.json", rows)


LETTERS_SOURCE = SubjectAccessSource(
    key="letters",
    description=(
        "Every letter written about the pupil, one folder each: who it went to, when and "
        "how (post or email), the data frozen into it when it was written (record.json, "
        "data.json), and the PDF exactly as stored (letter.pdf; its SHA-256 is on the record); "
        "and letters a decision called for that could not be written, with the reason "
        "(not_written.json)."
    ),
    collect=letters_subject_access,
    covers=("letters.Letter", "letters.LetterNotWritten"),
    leaves_out={
        "letters.LetterBatch": (
            "the printing files of a batch hold letters about several pupils; this pupil's "
            "letters from a batch are in their own folders"
        ),
    },
    order=40,
)
