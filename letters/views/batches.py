"""Batches: write one kind of letter for a filtered list of pupils, watch the progress
(htmx polls the progress partial; without JavaScript a Refresh link does the same), and
download the merged PDF for printing or a zip of one file per letter."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from escalation.selectors import policy_for
from letters.forms import BatchForm
from letters.models import LetterBatch
from letters.selectors import PUPIL_FILTERS, pupils_for_filter
from letters.services import letter_batch_create
from registers.models import School
from registers.permissions import Capability
from registers.views.access import school_view


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_CASES)
def batch_new(request: HttpRequest, school: School) -> HttpResponse:
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        today = timezone.localdate()
        pupils = pupils_for_filter(
            school=school,
            name=data["pupils"],
            concern_rate=policy_for(school).concern_below_rate,
            group=data["registration_group"],
            on=today,
        )
        if not pupils.exists():
            form.add_error("pupils", "No pupils on roll match this choice.")
        else:
            try:
                batch = letter_batch_create(
                    school=school,
                    kind=data["kind"],
                    as_at=today,
                    pupils=pupils,
                    created_by=request.user,
                    extra=form.extra(),
                    description=PUPIL_FILTERS[data["pupils"]]
                    + (f" {data['registration_group']}" if data["registration_group"] else ""),
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                return redirect(
                    reverse("letters_batch", kwargs={"urn": school.urn, "batch_id": batch.pk})
                )
    return render(
        request,
        "letters/batch_new.html",
        {"school": school, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _batch(school: School, batch_id: int) -> LetterBatch:
    return get_object_or_404(LetterBatch, school=school, pk=batch_id)


@require_GET
@school_view(Capability.VIEW_PUPILS)
def batch_detail(request: HttpRequest, school: School, batch_id: int) -> HttpResponse:
    batch = _batch(school, batch_id)
    context = {
        "school": school,
        "batch": batch,
        "letters": batch.letters.select_related("guardian", "pupil").order_by("pk"),
    }
    if request.htmx:
        return render(request, "letters/_batch_progress.html", context)
    return render(request, "letters/batch.html", context)


@require_GET
@school_view(Capability.VIEW_PUPILS)
def batch_file(request: HttpRequest, school: School, batch_id: int, what: str) -> HttpResponse:
    batch = _batch(school, batch_id)
    field = {"pdf": batch.merged_pdf, "zip": batch.archive}.get(what)
    if not field:
        raise Http404("Not ready")
    with field.open("rb") as handle:
        content = handle.read()
    kind = "application/pdf" if what == "pdf" else "application/zip"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="letters-batch-{batch.pk}.{what}"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("letters/batches/new/", batch_new, name="letters_batch_new"),
    path("letters/batches/<int:batch_id>/", batch_detail, name="letters_batch"),
    path(
        "letters/batches/<int:batch_id>/letters.<str:what>", batch_file, name="letters_batch_file"
    ),
]
