"""The pupil page: the year's marks, figures, threshold, patterns, family and support."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from escalation import charts
from escalation.dashboard.pupil import pupil_record
from escalation.forms import CaseDecisionForm
from escalation.panels import render_pupil_panels
from registers.models import Pupil, School
from registers.permissions import Capability, capabilities_at, schools_for
from registers.selectors.marks import pupils_at
from registers.views.access import school_view

LEGEND = (
    ("present", "Present or late before the register closed"),
    ("aea", "Approved educational activity"),
    ("authorised", "Authorised absence"),
    ("unauthorised", "Unauthorised absence (counts toward the threshold)"),
    ("not_possible", "Not a possible session"),
)


def get_pupil(school: School, pupil_id: int) -> Pupil:
    """The pupil if ever on roll at `school`, else 404."""
    return get_object_or_404(pupils_at(school), pk=pupil_id)


@require_GET
@school_view(Capability.VIEW_PUPILS)
def pupil_page(request: HttpRequest, school: School, pupil_id: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    record = pupil_record(
        school=school,
        pupil=pupil,
        today=timezone.localdate(),
        other_schools=list(schools_for(request.user, Capability.VIEW_PUPILS)),
    )
    can_manage = Capability.MANAGE_CASES in capabilities_at(request.user, school)
    return render(
        request,
        "escalation/pupil.html",
        {
            "school": school,
            "r": record,
            "s": record.status,
            "legend": LEGEND,
            "can_manage": can_manage,
            "decision_form": CaseDecisionForm()
            if can_manage and record.case and record.case.has_proposal
            else None,
            "panels": render_pupil_panels(request=request, school=school, pupil=pupil),
            "weekday_chart": charts.bars_svg(
                chart_id="weekdays",
                title=f"{pupil.forename}'s absence by weekday, this year",
                bars=[(p.label, p.rate) for p in record.weekdays],
            ),
        },
    )


urlpatterns: list[URLPattern] = [
    path("pupils/<int:pupil_id>/", pupil_page, name="dashboard_pupil"),
]
