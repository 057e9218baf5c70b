"""A parent's download of a letter addressed to them, linked from the parent portal.

Only the guardian the letter is addressed to may download it: anyone else, signed in
or not as staff, gets a 404, so a letter's existence is not revealed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from letters.models import Letter, LetterStatus
from letters.views.common import pdf_response
from registers.models import Guardian


@require_GET
@login_required
def parent_letter_pdf(request: HttpRequest, urn: str, letter_id: int) -> HttpResponse:
    guardian = Guardian.objects.filter(user=request.user).first()
    if guardian is None:
        raise Http404("No such letter")
    letter = Letter.objects.filter(
        pk=letter_id, school__urn=urn, guardian=guardian, status=LetterStatus.READY
    ).first()
    if letter is None:
        raise Http404("No such letter")
    return pdf_response(letter, inline=False)


urlpatterns: list[URLPattern] = [
    path("letters/mine/<int:letter_id>.pdf", parent_letter_pdf, name="letters_parent_pdf"),
]
