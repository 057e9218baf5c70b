"""Rendering: every kind as a PDF whose text carries the frozen figures and names;
A4; reproducible byte for byte from the row; one bad letter fails alone."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from letters import pdf
from letters.kinds import LetterKind
from letters.models import Letter, LetterStatus
from letters.services import letter_generate, letter_html, letter_pdf_matches, letters_render
from letters.services.render import stored_pdf
from registers.models import Pupil, School, User
from tests.letters.conftest import pdf_text, stored_text
from tests.letters.factories import AS_OF, family

pytestmark = pytest.mark.django_db

LEAVE = {
    "leave_dates": "from 2 June 2025 to 6 June 2025",
    "leave_school_days": "5",
    "leave_decision": "refused",
    "leave_decision_reason": "A family holiday is not an exceptional circumstance.",
    "leave_decided_by": "Pat Head on 14 March 2025",
}
# What each kind's text must show, beyond the names and the date common to all.
EXPECTED: dict[str, tuple[str, ...]] = {
    "below_96_first": ("91.3%", "below 96%", "Sessions possible: 230", "sessions missed: 20"),
    "below_96_second": ("has not improved", "91.3%", "unauthorised: 6"),
    "lateness": ("late 11 times this half term", "8 before the register closed", "3 after"),
    "medical_reduced_timetable": ("91.3%", "through illness: 10", "reduced timetable"),
    "support_meeting_invite": ("attendance support meeting", "on 20 March 2025 at 9:00", "91.3%"),
    "attendance_contract": ("attendance contract", "not legally binding", "91.3%"),
    "notice_to_improve": ("17 March 2025 to 9 May 2025", "6 school weeks", "12 March 2025"),
    "threshold_warning": ("met this threshold on 12 March 2025", "11 sessions", "penalty notice"),
    "leave_outcome": ("has been refused", "5 school days", "not an exceptional circumstance"),
}


def _render(letters: list[Letter]) -> list[Letter]:
    letters_render(letter_ids=[letter.pk for letter in letters])
    return [Letter.objects.get(pk=letter.pk) for letter in letters]


@pytest.mark.parametrize("kind", LetterKind.values)
def test_every_kind_renders_its_frozen_figures_and_names(
    kind: str, letterhead: School, pupil: Pupil, lead: User
) -> None:
    extra = {"meeting_arrangements": "on 20 March 2025 at 9:00 in the school office", **LEAVE}
    letters = _render(
        letter_generate(
            school=letterhead, pupil=pupil, kind=kind, as_at=AS_OF, created_by=lead, extra=extra
        )
    )
    for letter in letters:
        assert letter.status == LetterStatus.READY, letter.render_error
        text = stored_text(letter)
        for expected in (
            letter.recipient_name,
            *letter.data["recipient"]["address_lines"],
            "Sam Example",
            "Test School A",
            "Pat Head",
            lead.get_full_name(),
            letter.data["letter_date_text"],
            letter.data["reference"],
            letter.data["subject"],
            *EXPECTED[kind],
        ):
            assert expected in text, (kind, expected)
        assert "{{" not in text and "}}" not in text


def test_pages_are_a4(letterhead: School, pupil: Pupil, lead: User) -> None:
    letter = _render(
        letter_generate(
            school=letterhead, pupil=pupil, kind="notice_to_improve", as_at=AS_OF, created_by=lead
        )
    )[0]
    page = PdfReader(io.BytesIO(stored_pdf(letter))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert letter.pages == 1


def test_regenerating_reproduces_the_same_pdf(letterhead: School, pupil: Pupil, lead: User) -> None:
    letter = _render(
        letter_generate(
            school=letterhead, pupil=pupil, kind="below_96_first", as_at=AS_OF, created_by=lead
        )
    )[0]
    assert letter_pdf_matches(letter=letter)
    again = pdf.html_to_pdf(letter_html(letter))
    assert again == stored_pdf(letter)


def test_a_letter_is_the_same_file_alone_or_in_a_batch(
    letterhead: School, pupil: Pupil, lead: User
) -> None:
    others = [family(letterhead, forename=f"Kid{n}", surname=f"Other{n}") for n in range(3)]
    letters = [
        letter
        for child in [*others, pupil]
        for letter in letter_generate(
            school=letterhead, pupil=child, kind="below_96_first", as_at=AS_OF, created_by=lead
        )
    ]
    rendered = _render(letters)
    alone = pdf.html_to_pdf(letter_html(rendered[-1]))
    assert stored_pdf(rendered[-1]) == alone
    assert len({letter.sha256 for letter in rendered}) == len(rendered)


def test_the_pdf_metadata_comes_from_the_record(
    letterhead: School, pupil: Pupil, lead: User
) -> None:
    letter = _render(
        letter_generate(
            school=letterhead, pupil=pupil, kind="lateness", as_at=AS_OF, created_by=lead
        )
    )[0]
    info = PdfReader(io.BytesIO(stored_pdf(letter))).metadata
    assert info.title == letter.data["subject"]
    assert info["/CreationDate"].startswith("D:" + letter.data["created"][:4])


def test_a_letter_that_cannot_be_laid_out_fails_alone(
    letterhead: School, pupil: Pupil, lead: User
) -> None:
    letters = letter_generate(
        school=letterhead, pupil=pupil, kind="below_96_first", as_at=AS_OF, created_by=lead
    )
    broken = letters[0]
    broken.data = {"subject": "no body"}  # a row whose frozen data is damaged
    broken.save()
    rendered, failed = letters_render(letter_ids=[letter.pk for letter in letters])
    assert (rendered, failed) == (1, 1)
    broken.refresh_from_db()
    assert broken.status == LetterStatus.FAILED and "Could not lay out" in broken.render_error
    assert Letter.objects.get(pk=letters[1].pk).status == LetterStatus.READY


def test_an_altered_file_is_not_served(letterhead: School, pupil: Pupil, lead: User) -> None:
    letter = _render(
        letter_generate(
            school=letterhead, pupil=pupil, kind="below_96_first", as_at=AS_OF, created_by=lead
        )
    )[0]
    with open(letter.pdf.path, "ab") as handle:
        handle.write(b"%tampered")
    assert stored_pdf(letter) is None
    assert not letter_pdf_matches(letter=Letter(sha256="", data=letter.data))


def test_rendering_twice_does_nothing_the_second_time(
    letterhead: School, pupil: Pupil, lead: User
) -> None:
    letters = letter_generate(
        school=letterhead, pupil=pupil, kind="below_96_first", as_at=AS_OF, created_by=lead
    )
    ids = [letter.pk for letter in letters]
    assert letters_render(letter_ids=ids) == (2, 0)
    assert letters_render(letter_ids=ids) == (0, 0)


def test_htmls_to_pdfs_keeps_each_documents_pages_and_order() -> None:
    head = "<head><style>@page { size: A4 } p { margin: 0 0 60mm }</style></head>"
    docs = [
        f"<html>{head}<body>"
        + "".join(f"<p>Doc {n} part {i}</p>" for i in range(paras))
        + "</body></html>"
        for n, paras in ((1, 2), (2, 9), (3, 1))
    ]
    docs.append(
        "<html><head><style>p { color: red }</style></head><body><p>Doc 4 alone</p></body></html>"
    )
    pdfs = pdf.htmls_to_pdfs(docs)
    assert [pdf.page_count(p) for p in pdfs] == [1, 3, 1, 1]
    assert "Doc 2 part 8" in pdf_text(pdfs[1]) and "Doc 1" not in pdf_text(pdfs[1])
    assert "Doc 4 alone" in pdf_text(pdfs[3])
    assert pdf.htmls_to_pdfs([]) == []
