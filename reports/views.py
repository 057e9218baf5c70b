"""Pages of the reports app, under /schools/<URN>/reports/.

Governors and staff (VIEW_REPORTS) list, request, read and download the school's
reports; trust leaders also the trust's. Exports are pupil-level, so they need
VIEW_PUPILS. Every report a page names is found through `selectors.report_for`, which
scopes it to the school and the user, else 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registers.models import School
from registers.permissions import Capability, capabilities_at
from registers.views.access import school_view
from reports import exports, selectors
from reports.forms import ExportForm, PeriodForm
from reports.models import ReportKind, ReportState
from reports.presentation import report_context
from reports.services import report_file_matches, report_request
from reports.trust import trust_periods


def _forms(request: HttpRequest, school: School, data=None, kind: str | None = None) -> dict:
    today = timezone.localdate()
    school_form = PeriodForm(
        data if kind == ReportKind.SCHOOL else None,
        periods=selectors.periods_for(school, today=today),
        prefix="school",
    )
    trust_form = None
    if selectors.leads_trust(request.user, school):
        trust_form = PeriodForm(
            data if kind == ReportKind.TRUST else None,
            periods=trust_periods(school, today=today),
            prefix="trust",
        )
    return {"school_form": school_form, "trust_form": trust_form}


def _list(request: HttpRequest, school: School, forms: dict, status: int = 200) -> HttpResponse:
    reports = selectors.reports_for(request.user, school)[:50]
    return render(
        request,
        "reports/list.html",
        {
            "school": school,
            "reports": reports,
            "can_export": Capability.VIEW_PUPILS in capabilities_at(request.user, school),
            **forms,
        },
        status=status,
    )


@require_GET
@school_view(Capability.VIEW_REPORTS)
def report_list(request: HttpRequest, school: School) -> HttpResponse:
    return _list(request, school, _forms(request, school))


@require_POST
@school_view(Capability.VIEW_REPORTS)
def report_new(request: HttpRequest, school: School) -> HttpResponse:
    """Ask for a school report, or (trust leaders) a trust report."""
    kind = request.POST.get("kind", ReportKind.SCHOOL)
    if kind not in ReportKind.values:
        kind = ReportKind.SCHOOL
    forms = _forms(request, school, request.POST, kind)
    form = forms["trust_form"] if kind == ReportKind.TRUST else forms["school_form"]
    if form is None:
        raise Http404("Only the trust's leaders may ask for the trust report")
    if not form.is_valid():
        return _list(request, school, forms, status=400)
    try:
        report = report_request(
            school=school,
            kind=kind,
            period_key=form.cleaned_data["period"],
            user=request.user,
            today=timezone.localdate(),
        )
    except ValidationError as error:
        form.add_error("period", error)
        return _list(request, school, forms, status=400)
    messages.success(request, f"Report for {report.period_label} requested.")
    return redirect("report_detail", urn=school.urn, report_id=report.pk)


@require_GET
@school_view(Capability.VIEW_REPORTS)
def report_detail(request: HttpRequest, school: School, report_id: int) -> HttpResponse:
    report = selectors.report_for(request.user, school, report_id)
    context = {"school": school, "report": report}
    if report.state == ReportState.DONE and report.figures:
        context.update(report_context(report))
    return render(request, "reports/detail.html", context)


@require_GET
@school_view(Capability.VIEW_REPORTS)
def report_progress(request: HttpRequest, school: School, report_id: int) -> HttpResponse:
    """The progress card alone, polled by htmx; reloading the report page shows it too.

    When the report finishes, htmx is told to reload the whole page to show it.
    """
    report = selectors.report_for(request.user, school, report_id)
    response = render(request, "reports/_progress.html", {"school": school, "report": report})
    if report.finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@require_GET
@school_view(Capability.VIEW_REPORTS)
def report_download(request: HttpRequest, school: School, report_id: int) -> HttpResponse:
    report = selectors.report_for(request.user, school, report_id)
    if report.state != ReportState.DONE or not report.file:
        raise Http404("The report is not ready")
    if not report_file_matches(report=report):
        raise Http404("The stored file does not match the report; ask for it again")
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.filename,
        content_type="application/pdf",
    )


@require_http_methods(["GET"])
@school_view(Capability.VIEW_PUPILS)
def export(request: HttpRequest, school: School) -> HttpResponse:
    """Figures by pupil or by group for any date range, as CSV or XLSX (staff only)."""
    today = timezone.localdate()
    submitted = "start" in request.GET or "end" in request.GET
    form = ExportForm(request.GET if submitted else None, today=today)
    if not submitted or not form.is_valid():
        status = 400 if submitted else 200
        return render(
            request, "reports/export.html", {"school": school, "form": form}, status=status
        )
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    scope = form.cleaned_data["scope"]
    if scope == "pupils":
        headers, rows = (
            exports.PUPIL_HEADERS,
            exports.pupil_rows(school=school, start=start, end=end),
        )
    else:
        headers, rows = (
            exports.GROUP_HEADERS,
            exports.group_rows(school=school, start=start, end=end),
        )
    name = f"attendance-{school.urn}-{scope}-{start:%Y%m%d}-{end:%Y%m%d}"
    if form.cleaned_data["file_format"] == "xlsx":
        content = exports.to_xlsx(f"Attendance by {scope[:-1]}", headers, rows)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name += ".xlsx"
    else:
        content, kind, name = (
            exports.to_csv(headers, rows),
            "text/csv; charset=utf-8",
            name + ".csv",
        )
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("reports/", report_list, name="reports_list"),
    path("reports/new/", report_new, name="reports_new"),
    path("reports/export/", export, name="reports_export"),
    path("reports/<int:report_id>/", report_detail, name="report_detail"),
    path("reports/<int:report_id>/progress/", report_progress, name="report_progress"),
    path("reports/<int:report_id>/download/", report_download, name="report_download"),
]
