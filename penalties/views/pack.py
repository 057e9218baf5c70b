"""The local authority referral pack of one pupil: HTML to check, PDF and CSV to send."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from escalation.views.pupil import get_pupil
from penalties.forms import ManualRequestForm
from penalties.pack import default_period, referral_pack
from registers.models import School
from registers.permissions import Capability
from registers.views.access import school_view


def _period_form(request: HttpRequest, today) -> tuple[ManualRequestForm, tuple]:
    """The pack's period: the form's dates when given and valid, else the default."""
    start, end = default_period(today)
    form = ManualRequestForm(
        request.GET if "offence_start" in request.GET else None,
        initial={"offence_start": start, "offence_end": end},
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["offence_end"] >= data["offence_start"]:
            return form, (data["offence_start"], data["offence_end"])
        form.add_error("offence_end", "The period must end on or after its start.")
    return form, (start, end)


@require_GET
@school_view(Capability.MANAGE_CASES)
def pack(request: HttpRequest, school: School, pupil_id: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    today = timezone.localdate()
    form, (start, end) = _period_form(request, today)
    if form.is_bound and form.errors:
        context = {"school": school, "pupil": pupil, "form": form, "p": None}
        return render(request, "penalties/pack.html", context, status=400)
    p = referral_pack(school=school, pupil=pupil, start=start, end=end, today=today)
    filename = f"referral-{school.urn}-{pupil.upn}-{today:%Y%m%d}"
    fmt = request.GET.get("format", "")
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        writer = csv.writer(response)
        for section, rows in p.sections.items():
            writer.writerow(["Section", *rows[0]])
            writer.writerows([section, *row] for row in rows[1:])
            writer.writerow([])
        return response
    if fmt == "pdf":
        from letters.pdf import html_to_pdf

        html = render_to_string("penalties/pack_document.html", {"p": p})
        response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "penalties/pack.html",
        {"school": school, "pupil": pupil, "form": form, "p": p, "query": query.urlencode()},
    )


urlpatterns: list[URLPattern] = [
    path("pupils/<int:pupil_id>/legal/referral-pack/", pack, name="penalties_pack"),
]
