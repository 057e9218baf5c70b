"""Flag lists: filters, sorting, counts, paging and CSV export."""

from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from escalation.dashboard.flags import (
    FLAGS,
    FLAGS_BY_SLUG,
    Flag,
    csv_rows,
    flag_counts,
    flag_list,
    registration_groups,
)
from escalation.forms import FlagFilterForm
from registers.models import School
from registers.permissions import Capability
from registers.views.access import school_view

PAGE_SIZE = 50


def _flag(slug: str) -> Flag:
    if slug not in FLAGS_BY_SLUG:
        raise Http404("No such list")
    return FLAGS_BY_SLUG[slug]


@require_GET
@school_view(Capability.VIEW_PUPILS)
def flags(request: HttpRequest, school: School, flag: str) -> HttpResponse:
    chosen = _flag(flag)
    today = timezone.localdate()
    form = FlagFilterForm(request.GET, groups=registration_groups(school), flag=chosen)
    context: dict[str, object] = {
        "school": school,
        "flag": chosen,
        "flags": FLAGS,
        "form": form,
        "counts": flag_counts(school=school, today=today),
    }
    if not form.is_valid():
        return render(request, "escalation/flags.html", context, status=400)
    rows = flag_list(
        school=school,
        flag=chosen,
        n=form.number(),
        today=today,
        filters=form.filters(),
        sort=form.cleaned_data["sort"],
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "escalation/flags.html", {**context, "page": page, "n": form.number()})


@require_GET
@school_view(Capability.VIEW_PUPILS)
def flags_csv(request: HttpRequest, school: School, flag: str) -> HttpResponse:
    chosen = _flag(flag)
    form = FlagFilterForm(request.GET, groups=registration_groups(school), flag=chosen)
    if not form.is_valid():
        return HttpResponse("Invalid filters.", status=400, content_type="text/plain")
    today = timezone.localdate()
    rows = flag_list(
        school=school,
        flag=chosen,
        n=form.number(),
        today=today,
        filters=form.filters(),
        sort=form.cleaned_data["sort"],
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{school.urn}-{chosen.slug}-{today.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    csv.writer(response).writerows(csv_rows(rows.iterator(chunk_size=500)))
    return response


@require_GET
@school_view(Capability.VIEW_PUPILS)
def flags_index(request: HttpRequest, school: School) -> HttpResponse:
    return redirect("dashboard_flags", urn=school.urn, flag=FLAGS[0].slug)


urlpatterns: list[URLPattern] = [
    path("lists/", flags_index, name="dashboard_flags_default"),
    path("lists/<slug:flag>/", flags, name="dashboard_flags"),
    path("lists/<slug:flag>/csv/", flags_csv, name="dashboard_flags_csv"),
]
