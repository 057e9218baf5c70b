"""The parent portal: sign in by emailed link, then only one's own children.

Every page takes the guardian from the signed-in user and reads through
`absences.selectors.portal`, which starts from that guardian's own links: another
family's child, request or file is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from absences.forms import LeaveRequestForm, PortalReportForm, SignInForm
from absences.models import LeaveStatus
from absences.portal import render_portal_panels
from absences.selectors import portal as selectors
from absences.services.leave import leave_request_submit, leave_request_withdraw
from absences.services.reports import report_submit
from absences.services.signin import (
    SignInLinkInvalid,
    signin_link_check,
    signin_link_redeem,
    signin_link_request,
)
from escalation.charts import bars_svg, trend_svg
from registers.models import Guardian

ParentView = Callable[..., HttpResponse]


def parent_view(view: ParentView) -> ParentView:
    """Sign-in required (by link); the view receives the user's guardian record."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('parents_signin')}?next={request.path}")
        guardian = Guardian.objects.filter(user=request.user).first()
        if guardian is None:
            raise Http404("This account is not a parent's")
        return view(request, guardian, *args, **kwargs)

    return wrapper


def _rate(_group: str, _request: HttpRequest) -> str:
    return settings.SIGNIN_REQUEST_RATE


def _email_key(_group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()[:254]


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_rate, method="POST", block=False)
@ratelimit(key=_email_key, rate=_rate, method="POST", block=False)
def signin(request: HttpRequest) -> HttpResponse:
    """Ask for a link. Known and unknown addresses get the same page, at the same speed:
    the look-up and the email happen in a task after the response."""
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not getattr(request, "limited", False):
            signin_link_request(
                email=form.cleaned_data["email"], origin=request.build_absolute_uri("/")
            )
        request.session["parents_signin_next"] = _safe_next(request)
        return redirect("parents_signin_sent")
    return render(request, "absences/portal/signin.html", {"form": form})


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target.startswith("/parents/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return ""


@require_GET
def signin_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request, "absences/portal/signin_sent.html", {"minutes": settings.SIGNIN_LINK_MINUTES}
    )


@require_http_methods(["GET", "POST"])
def signin_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST uses the link: a mail scanner that follows links does not
    use up the parent's link."""
    try:
        if request.method == "POST":
            user = signin_link_redeem(token=token)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(request.session.pop("parents_signin_next", "") or "parents_home")
        signin_link_check(token=token)
    except SignInLinkInvalid:
        return render(request, "absences/portal/signin_invalid.html", status=410)
    return render(request, "absences/portal/signin_confirm.html")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("parents_signin")
    guardian = Guardian.objects.filter(user=request.user).first()
    children = selectors.children_of(guardian, timezone.localdate()) if guardian else []
    return render(
        request, "absences/portal/home.html", {"guardian": guardian, "children": children}
    )


@require_GET
@parent_view
def child(request: HttpRequest, guardian: Guardian, pupil_id: int) -> HttpResponse:
    today = timezone.localdate()
    kid = selectors.child_of(guardian, pupil_id, today)
    attendance = selectors.attendance_of(child=kid, today=today)
    weekly = [(w.monday, w.rate) for w in reversed(attendance.weeks)]
    name = kid.pupil.forename
    return render(
        request,
        "absences/portal/child.html",
        {
            "guardian": guardian,
            "child": kid,
            "a": attendance,
            "trend": trend_svg(
                chart_id="weekly-attendance",
                title=f"{name}'s attendance each week this school year",
                points=weekly,
            )
            if weekly
            else None,
            "split": bars_svg(
                chart_id="year-split",
                title=f"{name}'s sessions this school year",
                bars=[
                    ("Attended", str(attendance.attended)),
                    ("Authorised", str(attendance.authorised)),
                    ("Unauthorised", str(attendance.unauthorised)),
                ],
                unit="",
            ),
            "leave": selectors.leave_of(guardian=guardian, child=kid),
            "reports": selectors.reports_of(guardian=guardian, child=kid),
            "panels": render_portal_panels(request=request, guardian=guardian, pupil=kid.pupil),
        },
    )


@require_http_methods(["GET", "POST"])
@parent_view
def child_report(request: HttpRequest, guardian: Guardian, pupil_id: int) -> HttpResponse:
    today = timezone.localdate()
    kid = selectors.child_of(guardian, pupil_id, today)
    form = PortalReportForm(
        request.POST or None,
        today=today,
        initial={"reporter_email": guardian.email, "reporter_phone": guardian.phone},
    )
    if request.method == "POST" and form.is_valid():
        fields = form.report_fields(
            child_name=f"{kid.pupil.forename} {kid.pupil.surname}",
            dob=kid.pupil.date_of_birth,
            group=kid.group,
            name=guardian.name,
            rel=kid.relationship,
        )
        report = report_submit(school=kid.school, fields=fields, guardian=guardian, pupil=kid.pupil)
        messages.success(
            request, f"Thank you: the school has your report. Your reference is {report.reference}."
        )
        return redirect("parents_child", pupil_id=kid.pupil.pk)
    return render(request, "absences/portal/report.html", {"child": kid, "form": form})


@require_http_methods(["GET", "POST"])
@parent_view
def leave_new(request: HttpRequest, guardian: Guardian, pupil_id: int) -> HttpResponse:
    today = timezone.localdate()
    kid = selectors.child_of(guardian, pupil_id, today)
    initial: dict[str, object] = {
        "address": guardian.address,
        "postcode": guardian.postcode,
        "adult0_name": guardian.name,
        "adult0_parental_responsibility": True,
        "adult0_lives_with": True,
        "signed_name": guardian.name,
    }
    form = LeaveRequestForm(
        request.POST or None, request.FILES or None, today=today, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            leave = leave_request_submit(
                guardian=guardian,
                pupil=kid.pupil,
                school=kid.school,
                start_date=d["start_date"],
                end_date=d["end_date"],
                reason=d["reason"],
                adults=form.adults(),
                signed_name=d["signed_name"],
                declaration=d["declaration"],
                address=d["address"],
                postcode=d["postcode"],
                evidence=d.get("evidence"),
                today=today,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                f"Your request {leave.reference} is with the school: {leave.school_days} "
                "school day(s). You will see the decision here.",
            )
            return redirect("parents_leave", leave_id=leave.pk)
    return render(request, "absences/portal/leave_new.html", {"child": kid, "form": form})


@require_GET
@parent_view
def leave_detail(request: HttpRequest, guardian: Guardian, leave_id: int) -> HttpResponse:
    leave = selectors.leave_for_guardian(guardian=guardian, leave_id=leave_id)
    return render(
        request,
        "absences/portal/leave_detail.html",
        {
            "leave": leave,
            "adults": list(leave.adults.all()),
            "can_withdraw": leave.status == LeaveStatus.PENDING
            and leave.requested_by_id == guardian.pk,
        },
    )


@require_POST
@parent_view
def leave_withdraw(request: HttpRequest, guardian: Guardian, leave_id: int) -> HttpResponse:
    leave = selectors.leave_for_guardian(guardian=guardian, leave_id=leave_id)
    try:
        leave_request_withdraw(leave_request=leave, guardian=guardian)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your request is withdrawn.")
    return redirect("parents_leave", leave_id=leave.pk)


@require_GET
@parent_view
def leave_evidence(request: HttpRequest, guardian: Guardian, leave_id: int) -> HttpResponse:
    leave = selectors.leave_for_guardian(guardian=guardian, leave_id=leave_id)
    return evidence_response(leave)


def evidence_response(leave) -> FileResponse:
    """The uploaded file, as an attachment (never rendered inline by the browser)."""
    if not leave.evidence:
        raise Http404("No evidence")
    response = FileResponse(
        leave.evidence.open("rb"), as_attachment=True, filename=leave.evidence.name.rsplit("/")[-1]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("parents/", home, name="parents_home"),
    path("parents/sign-in/", signin, name="parents_signin"),
    path("parents/sign-in/sent/", signin_sent, name="parents_signin_sent"),
    path("parents/sign-in/<str:token>/", signin_confirm, name="parents_signin_confirm"),
    path("parents/children/<int:pupil_id>/", child, name="parents_child"),
    path("parents/children/<int:pupil_id>/report/", child_report, name="parents_child_report"),
    path("parents/children/<int:pupil_id>/leave/", leave_new, name="parents_leave_new"),
    path("parents/leave/<int:leave_id>/", leave_detail, name="parents_leave"),
    path("parents/leave/<int:leave_id>/withdraw/", leave_withdraw, name="parents_leave_withdraw"),
    path("parents/leave/<int:leave_id>/evidence/", leave_evidence, name="parents_leave_evidence"),
]
