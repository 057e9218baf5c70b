"""Leave-of-absence requests for the school: the list, a request, the decision, and
marking refused leave that was taken anyway.

Who decides: `Capability.MANAGE_CASES`, held by the headteacher and by the attendance
lead, the head's usual delegate for attendance (and by trust leaders, who act for the
trust's heads). The office sees requests and marks refused leave taken (CORRECT_MARKS);
the evidence file is open to staff who see pupil-level data (VIEW_PUPILS) and to the
child's own guardians, never to governors.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from absences import selectors
from absences.forms import LeaveDecisionForm
from absences.models import LeaveRequest, LeaveStatus
from absences.services.leave import leave_request_decide, leave_taken_mark
from absences.views.portal import evidence_response
from registers.models import School
from registers.permissions import Capability, capabilities_at
from registers.views.access import school_view


def get_leave(school: School, leave_id: int) -> LeaveRequest:
    return get_object_or_404(
        LeaveRequest.objects.select_related("pupil", "requested_by"), school=school, pk=leave_id
    )


@require_GET
@school_view(selectors.QUEUE_CAPABILITY)
def leave_list(request: HttpRequest, school: School) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in LeaveStatus.values:
        status = ""
    return render(
        request,
        "absences/office/leave_list.html",
        {
            "school": school,
            "requests": list(selectors.leave_requests(school, status or None)[:200]),
            "status": status,
            "statuses": LeaveStatus.choices,
        },
    )


@require_GET
@school_view(selectors.QUEUE_CAPABILITY)
def leave_detail(request: HttpRequest, school: School, leave_id: int) -> HttpResponse:
    leave = get_leave(school, leave_id)
    held = capabilities_at(request.user, school)
    return render(
        request,
        "absences/office/leave_detail.html",
        {
            "school": school,
            "leave": leave,
            "adults": list(leave.adults.all()),
            "can_decide": selectors.DECIDE_CAPABILITY in held
            and leave.status == LeaveStatus.PENDING,
            "can_mark_taken": leave.status == LeaveStatus.REFUSED
            and leave.start_date <= timezone.localdate(),
            "marks": leave.marks.order_by("date", "session"),
        },
    )


@require_http_methods(["GET", "POST"])
@school_view(selectors.DECIDE_CAPABILITY)
def leave_decide(request: HttpRequest, school: School, leave_id: int) -> HttpResponse:
    leave = get_leave(school, leave_id)
    if leave.status != LeaveStatus.PENDING:
        messages.error(request, "This request has already been decided or withdrawn.")
        return redirect("absences_leave_detail", urn=school.urn, leave_id=leave.pk)
    form = LeaveDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            leave_request_decide(
                leave_request=leave,
                user=request.user,
                granted=form.cleaned_data["decision"] == "granted",
                reason=form.cleaned_data["reason"],
                today=timezone.localdate(),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"{leave.reference}: decision recorded.")
            return redirect("absences_leave_detail", urn=school.urn, leave_id=leave.pk)
    return render(
        request,
        "absences/office/leave_decide.html",
        {"school": school, "leave": leave, "form": form},
    )


@require_POST
@school_view(selectors.QUEUE_CAPABILITY)
def leave_taken(request: HttpRequest, school: School, leave_id: int) -> HttpResponse:
    leave = get_leave(school, leave_id)
    try:
        entered = leave_taken_mark(
            leave_request=leave, user=request.user, today=timezone.localdate()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"G entered for {entered} session(s).")
    return redirect("absences_leave_detail", urn=school.urn, leave_id=leave.pk)


@require_GET
@school_view(Capability.VIEW_PUPILS)
def leave_evidence(request: HttpRequest, school: School, leave_id: int) -> HttpResponse:
    return evidence_response(get_leave(school, leave_id))


urlpatterns: list[URLPattern] = [
    path("schools/<str:urn>/leave/", leave_list, name="absences_leave_list"),
    path("schools/<str:urn>/leave/<int:leave_id>/", leave_detail, name="absences_leave_detail"),
    path(
        "schools/<str:urn>/leave/<int:leave_id>/decide/", leave_decide, name="absences_leave_decide"
    ),
    path("schools/<str:urn>/leave/<int:leave_id>/taken/", leave_taken, name="absences_leave_taken"),
    path(
        "schools/<str:urn>/leave/<int:leave_id>/evidence/",
        leave_evidence,
        name="absences_leave_evidence",
    ),
]
