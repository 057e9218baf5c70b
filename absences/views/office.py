"""The office's queue of parent reports: match each to a pupil and enter the code."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from absences import rules, selectors
from absences.forms import DismissForm, MatchForm, PupilSearchForm
from absences.models import AbsenceReport, ReportStatus
from absences.services.reports import report_accept, report_dismiss
from registers.codes import CODES
from registers.models import Enrolment, School
from registers.views.access import school_view


def get_report(school: School, report_id: int) -> AbsenceReport:
    return get_object_or_404(
        AbsenceReport.objects.select_related("pupil", "processed_by"), school=school, pk=report_id
    )


@require_GET
@school_view(selectors.QUEUE_CAPABILITY)
def queue(request: HttpRequest, school: School) -> HttpResponse:
    return render(
        request,
        "absences/office/queue.html",
        {
            "school": school,
            "waiting": list(selectors.report_queue(school)),
            "recent": selectors.report_recent(school),
            "outbox": settings.DEBUG,
        },
    )


def _choices(report: AbsenceReport, q: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(suggested, searched): pupils to choose from, as (id, label)."""
    suggested = [
        (c.pupil_id, f"{c.forename} {c.surname}, born {c.date_of_birth:%-d %b %Y}, {c.group}")
        for _score, c in selectors.suggested_matches(report)
    ]
    if report.pupil_id and report.pupil_id not in dict(suggested):
        p = report.pupil
        suggested.insert(0, (p.pk, f"{p.forename} {p.surname}, born {p.date_of_birth:%-d %b %Y}"))
    searched: list[tuple[int, str]] = []
    if q:
        found = Enrolment.objects.for_school(report.school).on_roll(report.first_day)
        for word in q.split()[:3]:
            found = found.filter(
                Q(pupil__forename__icontains=word) | Q(pupil__surname__icontains=word)
            )
        searched = [
            (pid, f"{fn} {sn}, born {dob:%-d %b %Y}, {group}")
            for pid, fn, sn, dob, group in found.values_list(
                "pupil_id",
                "pupil__forename",
                "pupil__surname",
                "pupil__date_of_birth",
                "registration_group",
            ).order_by("pupil__surname", "pupil__forename")[:20]
        ]
    return suggested, searched


@require_http_methods(["GET", "POST"])
@school_view(selectors.QUEUE_CAPABILITY)
def report_detail(request: HttpRequest, school: School, report_id: int) -> HttpResponse:
    report = get_report(school, report_id)
    search = PupilSearchForm(request.GET or None)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    suggested, searched = _choices(report, q)
    default_code = rules.code_for_reason(report.reason)
    form = MatchForm(
        request.POST or None,
        choices=suggested + [c for c in searched if c not in suggested],
        default_code=default_code,
        initial={"pupil": report.pupil_id or (suggested[0][0] if len(suggested) == 1 else None)},
    )
    if request.method == "POST" and form.is_valid():
        pupil = selectors.pupils_on_roll(school).filter(pk=form.cleaned_data["pupil"]).first()
        try:
            if pupil is None:
                raise ValidationError("That pupil is not on roll at this school.")
            result = report_accept(
                report=report,
                pupil=pupil,
                user=request.user,
                code=form.cleaned_data["code"],
                replace=form.cleaned_data["replace"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                f"{report.reference} matched to {pupil}: {form.cleaned_data['code']} entered for "
                f"{result.entered} session(s); {result.kept} already marked kept as they were.",
            )
            return redirect("absences_queue", urn=school.urn)
    sessions = selectors.report_sessions(report)
    return render(
        request,
        "absences/office/report.html",
        {
            "school": school,
            "report": report,
            "form": form if report.status == ReportStatus.NEW else None,
            "search": search,
            "searched": bool(q),
            "dismiss_form": DismissForm() if report.status == ReportStatus.NEW else None,
            "sessions": sessions,
            "default_meaning": CODES[default_code].meaning if default_code else "",
        },
    )


@require_POST
@school_view(selectors.QUEUE_CAPABILITY)
def report_dismiss_view(request: HttpRequest, school: School, report_id: int) -> HttpResponse:
    report = get_report(school, report_id)
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            report_dismiss(
                report=report, user=request.user, note=form.cleaned_data["note"], now=timezone.now()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("absences_report_detail", urn=school.urn, report_id=report.pk)
        messages.success(request, f"{report.reference} dismissed.")
        return redirect("absences_queue", urn=school.urn)
    messages.error(request, "Say why the report is dismissed.")
    return redirect("absences_report_detail", urn=school.urn, report_id=report.pk)


urlpatterns: list[URLPattern] = [
    path("schools/<str:urn>/absence-reports/", queue, name="absences_queue"),
    path(
        "schools/<str:urn>/absence-reports/<int:report_id>/",
        report_detail,
        name="absences_report_detail",
    ),
    path(
        "schools/<str:urn>/absence-reports/<int:report_id>/dismiss/",
        report_dismiss_view,
        name="absences_report_dismiss",
    ),
]
