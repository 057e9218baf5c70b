"""The register of legal interventions: the school's, or (for a trust leader) the trust's,
with filters and a CSV export. Pupil-level: MANAGE_CASES only (governors see counts in
their report, never this page)."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from penalties import selectors
from penalties.forms import RegisterFilterForm
from registers.models import School
from registers.permissions import Capability, schools_for
from registers.views.access import school_view

CSV_HEADER = [
    "School URN", "School", "UPN", "Surname", "Forename", "Year group", "Type", "Status",
    "Date", "Parents", "Amount (£)", "Detail",
]  # fmt: skip


def _schools(request: HttpRequest, school: School) -> list[School]:
    """This school, or every school of its trust where the viewer manages cases."""
    if request.GET.get("scope") == "trust" and school.trust_id:
        return list(
            schools_for(request.user, Capability.MANAGE_CASES)
            .filter(trust_id=school.trust_id)
            .order_by("name")
        )
    return [school]


def _csv(rows: list[selectors.InterventionRow], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow(
            [
                r.school.urn,
                r.school.name,
                r.pupil.upn,
                r.pupil.surname,
                r.pupil.forename,
                r.pupil.get_year_group_display(),
                r.kind_label,
                r.status_label,
                r.on.isoformat() if r.on else "",
                r.parents,
                f"{r.amount_pence / 100:.2f}" if r.amount_pence is not None else "",
                r.detail,
            ]  # fmt: skip
        )
    return response


@require_GET
@school_view(Capability.MANAGE_CASES)
def register(request: HttpRequest, school: School) -> HttpResponse:
    form = RegisterFilterForm(request.GET or None)
    schools = _schools(request, school)
    valid = form.is_valid() if request.GET else True
    data = form.cleaned_data if request.GET and valid else {}
    filters = selectors.RegisterFilters(
        kind=data.get("kind", ""),
        status=data.get("status", ""),
        year_group=data.get("year_group", ""),
        start=data.get("start"),
        end=data.get("end"),
    )
    rows = selectors.intervention_register(schools=schools, filters=filters) if valid else []
    if valid and request.GET.get("format") == "csv":
        return _csv(rows, f"legal-interventions-{school.urn}.csv")
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "penalties/register.html",
        {
            "school": school,
            "form": form,
            "rows": rows,
            "trust_scope": len(schools) > 1 or request.GET.get("scope") == "trust",
            "can_trust": school.trust_id is not None
            and schools_for(request.user, Capability.MANAGE_CASES)
            .filter(trust_id=school.trust_id)
            .exclude(pk=school.pk)
            .exists(),
            "csv_query": query.urlencode(),
        },
        status=200 if valid else 400,
    )


urlpatterns: list[URLPattern] = [
    path("legal-interventions/", register, name="penalties_register"),
]
