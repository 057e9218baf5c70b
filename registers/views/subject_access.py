"""Subject access export of one pupil: a page saying what it holds, then the zip."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from registers.models import School
from registers.permissions import Capability
from registers.selectors.marks import school_pupil_by_id
from registers.services.subject_access import subject_access_export
from registers.subject_access import subject_access_sources
from registers.views.access import school_view


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_SCHOOL)
def subject_access(request: HttpRequest, school: School, pupil_id: int) -> HttpResponse:
    pupil = school_pupil_by_id(school=school, pupil_id=pupil_id)
    if pupil is None:
        raise Http404("No such pupil at this school")
    if request.method == "GET":
        context = {"school": school, "pupil": pupil, "sources": subject_access_sources()}
        return render(request, "registers/subject_access.html", context)
    export = subject_access_export(
        pupil=pupil, school=school, requested_by=request.user, path=request.get_full_path()
    )
    request.access_recorded = True  # the service recorded the export, naming it
    response = FileResponse(
        export.file, as_attachment=True, filename=export.filename, content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("pupils/<int:pupil_id>/subject-access/", subject_access, name="subject_access_export"),
]
