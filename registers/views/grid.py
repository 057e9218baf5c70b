"""The whole-school week grid: pupils × sessions, coloured and written by category."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from registers.codes import CODE_TABLE, Category
from registers.forms.marks import WeekGridFilterForm
from registers.models import School
from registers.permissions import Capability, user_can
from registers.selectors.marks import registration_groups, week_grid
from registers.views.access import school_view

_LEGEND = (
    (Category.PRESENT, "Present"),
    (Category.AEA, "Approved educational activity (counts as attendance)"),
    (Category.AUTHORISED, "Authorised absence"),
    (Category.UNAUTHORISED, "Unauthorised absence"),
    (Category.NOT_POSSIBLE, "Not a possible session"),
)


def _legend() -> list[tuple[str, str, str]]:
    return [
        (cat.value, label, " ".join(c.code for c in CODE_TABLE if c.category is cat))
        for cat, label in _LEGEND
    ]


@require_GET
@school_view(Capability.VIEW_PUPILS)
def grid(request: HttpRequest, school: School) -> HttpResponse:
    form = WeekGridFilterForm(request.GET, groups=registration_groups(school))
    context: dict[str, object] = {"school": school, "form": form, "legend": _legend()}
    if not form.is_valid():
        return render(request, "registers/week_grid.html", {**context, "grid": None}, status=400)
    data = form.cleaned_data
    today = timezone.localdate()
    day: dt.date = data["week"] or today
    week = week_grid(
        school=school,
        day=day,
        year_group=data["year_group"],
        registration_group=data["registration_group"],
        search=data["q"],
        page=request.GET.get("page", 1),
    )
    return render(
        request,
        "registers/week_grid.html",
        {
            **context,
            "grid": week,
            "today": today,
            "previous_week": week.monday - dt.timedelta(days=7),
            "next_week": week.monday + dt.timedelta(days=7),
            "can_correct": user_can(request.user, school, Capability.CORRECT_MARKS),
            "filtered": any(data[k] for k in ("year_group", "registration_group", "q")),
        },
    )


urlpatterns: list[URLPattern] = [path("week/", grid, name="week_grid")]
