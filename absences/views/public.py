"""The public "report an absence" form: no sign-in, and it reveals nothing about pupils.

Every valid submission gets the same answer, a reference number, whether or not the
child exists: the form never looks pupils up. It is rate limited per address, a hidden
field catches form-filling robots (who are thanked but not stored), and every field has
a size limit.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from absences.forms import ReportForm
from absences.services.references import reference_new
from absences.services.reports import report_submit
from registers.models import School

SESSION_KEY = "absence_report_reference"


def _rate(_group: str, _request: HttpRequest) -> str:
    return settings.ABSENCE_REPORT_RATE


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_rate, method="POST", block=False)
def report_absence(request: HttpRequest, urn: str) -> HttpResponse:
    school = get_object_or_404(School, urn=urn)
    if getattr(request, "limited", False):
        return render(request, "absences/public/limited.html", {"school": school}, status=429)
    form = ReportForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        if form.is_bot:
            reference = reference_new("AB")  # looks the same; nothing is stored
        else:
            reference = report_submit(school=school, fields=form.fields_value()).reference
        request.session[SESSION_KEY] = reference
        return redirect("absences_report_sent", urn=school.urn)
    return render(request, "absences/public/report.html", {"school": school, "form": form})


def report_sent(request: HttpRequest, urn: str) -> HttpResponse:
    school = get_object_or_404(School, urn=urn)
    reference = request.session.pop(SESSION_KEY, None)
    if reference is None:
        return redirect("absences_report", urn=school.urn)
    return render(request, "absences/public/sent.html", {"school": school, "reference": reference})


urlpatterns: list[URLPattern] = [
    path("schools/<str:urn>/report-absence/", report_absence, name="absences_report"),
    path("schools/<str:urn>/report-absence/sent/", report_sent, name="absences_report_sent"),
]
