"""Staff views of letters: the list, writing a letter for a pupil, one letter's record,
its PDF, emailing it and checking it re-renders identically. Reads need VIEW_PUPILS,
writes MANAGE_CASES."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from escalation.views.pupil import get_pupil
from letters.forms import PupilLetterForm
from letters.kinds import LetterKind
from letters.models import LetterBatch, LetterNotWritten
from letters.selectors import guardians_with_responsibility, letters_not_written
from letters.services import (
    letter_email_queue,
    letter_generate,
    letter_not_written_dismiss,
    letter_pdf_matches,
)
from letters.views.common import get_letter, pdf_response
from registers.models import School
from registers.permissions import Capability, capabilities_at
from registers.views.access import school_view

PAGE = 100


@require_GET
@school_view(Capability.VIEW_PUPILS)
def index(request: HttpRequest, school: School) -> HttpResponse:
    from letters.models import Letter

    letters = Letter.objects.for_school(school).select_related("pupil", "guardian")
    kind = request.GET.get("kind", "")
    if kind in LetterKind.values:
        letters = letters.filter(kind=kind)
    context = {
        "school": school,
        "letters": letters[:PAGE],
        "kinds": LetterKind.choices,
        "kind": kind,
        "batches": LetterBatch.objects.filter(school=school)[:10],
        "not_written": list(letters_not_written(school=school)[:PAGE]),
        "can_write": Capability.MANAGE_CASES in capabilities_at(request.user, school),
    }
    return render(request, "letters/index.html", context)


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_CASES)
def pupil_write(request: HttpRequest, school: School, pupil_id: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    guardians = guardians_with_responsibility(pupil)
    asked = request.GET.get("kind", "")  # "Write it", from a letter not written
    initial = {"kind": asked} if asked in LetterKind.values else {}
    form = PupilLetterForm(request.POST or None, guardians=guardians, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            letters = letter_generate(
                school=school,
                pupil=pupil,
                kind=form.cleaned_data["kind"],
                as_at=timezone.localdate(),
                created_by=request.user,
                guardians=list(form.cleaned_data["guardians"]),
                extra=form.extra(),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, f"{len(letters)} letter{'s' if len(letters) != 1 else ''} written."
            )
            return redirect(
                reverse("letters_detail", kwargs={"urn": school.urn, "letter_id": letters[0].pk})
            )
    return render(
        request,
        "letters/pupil_write.html",
        {"school": school, "pupil": pupil, "form": form, "guardians": guardians},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@school_view(Capability.VIEW_PUPILS)
def detail(request: HttpRequest, school: School, letter_id: int) -> HttpResponse:
    letter = get_letter(school, letter_id)
    context = {
        "school": school,
        "letter": letter,
        "d": letter.data,
        "can_write": Capability.MANAGE_CASES in capabilities_at(request.user, school),
    }
    template = "letters/_letter_status.html" if request.htmx else "letters/detail.html"
    return render(request, template, context)


@require_GET
@school_view(Capability.VIEW_PUPILS)
def letter_pdf(request: HttpRequest, school: School, letter_id: int) -> HttpResponse:
    return pdf_response(get_letter(school, letter_id), inline=request.GET.get("download") != "1")


@require_POST
@school_view(Capability.MANAGE_CASES)
def email(request: HttpRequest, school: School, letter_id: int) -> HttpResponse:
    letter = get_letter(school, letter_id)
    try:
        letter_email_queue(letter=letter)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The letter is being emailed to {letter.guardian.email}.")
    return redirect(reverse("letters_detail", kwargs={"urn": school.urn, "letter_id": letter.pk}))


@require_POST
@school_view(Capability.MANAGE_CASES)
def verify(request: HttpRequest, school: School, letter_id: int) -> HttpResponse:
    letter = get_letter(school, letter_id)
    if letter_pdf_matches(letter=letter):
        messages.success(request, "Rendered again from the record: identical to the stored PDF.")
    else:
        messages.error(
            request, "Rendered again from the record, the PDF differs from the one stored."
        )
    return redirect(reverse("letters_detail", kwargs={"urn": school.urn, "letter_id": letter.pk}))


@require_POST
@school_view(Capability.MANAGE_CASES)
def not_written_dismiss(request: HttpRequest, school: School, gap_id: int) -> HttpResponse:
    """A letter not written was dealt with another way: take it off the lists."""
    gap = get_object_or_404(LetterNotWritten, school=school, pk=gap_id)
    letter_not_written_dismiss(gap=gap, user=request.user)
    messages.success(request, f"Recorded: the {gap.get_kind_display().lower()} was dealt with.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("letters_index", kwargs={"urn": school.urn})
    return redirect(back)


urlpatterns: list[URLPattern] = [
    path("letters/", index, name="letters_index"),
    path("letters/<int:letter_id>/", detail, name="letters_detail"),
    path("letters/<int:letter_id>/pdf/", letter_pdf, name="letters_pdf"),
    path("letters/<int:letter_id>/email/", email, name="letters_email"),
    path("letters/<int:letter_id>/verify/", verify, name="letters_verify"),
    path("pupils/<int:pupil_id>/letters/new/", pupil_write, name="letters_pupil_write"),
    path(
        "letters/not-written/<int:gap_id>/dealt-with/",
        not_written_dismiss,
        name="letters_not_written_dismiss",
    ),
]
