"""Helpers shared by the letters views: scoped lookups and PDF responses."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from letters.models import Letter
from letters.selectors import letter_for_school
from letters.services.render import stored_pdf
from registers.models import School


def get_letter(school: School, letter_id: int) -> Letter:
    letter = letter_for_school(school=school, letter_id=letter_id)
    if letter is None:
        raise Http404("No such letter")
    return letter


def pdf_response(letter: Letter, *, inline: bool = True) -> HttpResponse:
    """The stored PDF, if present and its checksum matches; 404 otherwise (a file that
    was altered is never served as the record)."""
    content = stored_pdf(letter)
    if content is None:
        raise Http404("The letter's PDF is not available")
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{letter.filename}"'
    response["X-Content-SHA256"] = letter.sha256
    response["Cache-Control"] = "private, no-store"
    return response
