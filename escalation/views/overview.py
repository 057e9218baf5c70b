"""The school overview and the trust's schools side by side."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from escalation import charts
from escalation.dashboard.figures import gap, national_figures
from escalation.dashboard.overview import school_overview, trust_overview, trust_totals
from registers.models import School
from registers.permissions import Capability, capabilities_at, schools_for
from registers.views.access import school_view


@require_GET
@school_view(Capability.VIEW_SCHOOL)
def overview(request: HttpRequest, school: School) -> HttpResponse:
    today = timezone.localdate()
    data = school_overview(school=school, today=today)
    references = [
        charts.Reference(f"Target {data.target}%", data.target, "6 4"),
        charts.Reference(f"National {data.national.attendance}%", data.national.attendance, "2 3"),
    ]
    held = capabilities_at(request.user, school)
    return render(
        request,
        "escalation/overview.html",
        {
            "school": school,
            "o": data,
            "periods": [
                (label, sessions, gap(sessions.attendance, data.target))
                for label, sessions in (
                    ("Today", data.today_sessions),
                    ("This week", data.week),
                    (f"This term ({data.term_name})", data.term),
                    ("Year to date", data.year.sessions),
                )
            ],
            "stages": [(n, data.stages[n]) for n in range(1, 5)],
            "pending": data.stages[-1],
            "pattern_rows": [
                (day, data.sessions[2 * i], data.sessions[2 * i + 1])
                for i, day in enumerate(data.day_of_week)
            ],
            "can_view_pupils": Capability.VIEW_PUPILS in held,
            "trust_schools": school.trust_id is not None
            and schools_for(request.user, Capability.VIEW_REPORTS)
            .filter(trust=school.trust_id)
            .count()
            > 1,  # fmt: skip
            "trend_chart": charts.trend_svg(
                chart_id="trend",
                title=f"Attendance by school week, {school.name}",
                points=[(w.monday, w.sessions.attendance) for w in data.weeks],
                references=references,
            ),
            "sessions_chart": charts.bars_svg(
                chart_id="sessions",
                title="Absence by session of the week, this year",
                bars=[(f"{s.day[:3]} {s.half}", s.absence) for s in data.sessions],
            ),
        },
    )


@require_GET
@school_view(Capability.VIEW_REPORTS)
def trust(request: HttpRequest, school: School) -> HttpResponse:
    """The schools of this school's trust that the user may see, side by side."""
    if school.trust_id is None:
        raise Http404("This school is not in a trust")
    schools = list(
        schools_for(request.user, Capability.VIEW_REPORTS)
        .filter(trust=school.trust_id)
        .order_by("name")
    )
    today = timezone.localdate()
    columns = trust_overview(schools=schools, today=today)
    totals = trust_totals(schools=schools, today=today)
    national = national_figures()
    return render(
        request,
        "escalation/trust.html",
        {
            "school": school,
            "trust": school.trust,
            "columns": columns,
            "totals": totals,
            "national": national,
            "trend_chart": charts.trend_svg(
                chart_id="trust-trend",
                title=f"Attendance by school week, all {len(schools)} schools of {school.trust}",
                points=[(w.monday, w.sessions.attendance) for w in totals.weeks],
                references=[
                    charts.Reference(f"National {national.attendance}%", national.attendance, "2 3")
                ],
            ),
        },
    )


urlpatterns: list[URLPattern] = [
    path("dashboard/", overview, name="dashboard_overview"),
    path("dashboard/trust/", trust, name="dashboard_trust"),
]
