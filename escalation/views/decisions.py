"""Decisions and support records: the case step, the threshold decision, support plans,
attendance contracts with their reviews, and notes. Each view checks MANAGE_CASES (notes:
VIEW_PUPILS), validates a form and calls one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm, ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from escalation.dashboard.pupil import pupil_record
from escalation.forms import (
    AttendanceContractForm,
    CaseDecisionForm,
    PupilNoteForm,
    ReviewForm,
    SupportPlanForm,
    ThresholdDecisionForm,
)
from escalation.models import AttendanceContract, Case, PupilStatus, SupportPlan
from escalation.prefill import prior_notices_known
from escalation.services import support
from escalation.services.cases import case_decide
from escalation.views.pupil import get_pupil
from registers.models import Pupil, School
from registers.permissions import Capability
from registers.views.access import school_view


def _pupil_url(school: School, pupil: Pupil, anchor: str = "") -> str:
    url = reverse("dashboard_pupil", kwargs={"urn": school.urn, "pupil_id": pupil.pk})
    return f"{url}#{anchor}" if anchor else url


def _add_errors(form: BaseForm, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@require_POST
@school_view(Capability.MANAGE_CASES)
def decide(request: HttpRequest, school: School, pupil_id: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    case = get_object_or_404(Case, school=school, pupil=pupil)
    form = CaseDecisionForm(request.POST)
    if form.is_valid():
        try:
            case_decide(
                case=case,
                decision=form.cleaned_data["decision"],
                user=request.user,
                today=timezone.localdate(),
                note=form.cleaned_data["note"],
                until=form.cleaned_data["until"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Decision recorded.")
            return redirect(_pupil_url(school, pupil, "case"))
    return render(
        request,
        "escalation/decide.html",
        {"school": school, "pupil": pupil, "case": case, "form": form},
        status=400,
    )


def _record_page(
    request: HttpRequest,
    school: School,
    pupil: Pupil,
    form: ModelForm,
    *,
    title: str,
    template: str,
    save: Any,
    anchor: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.save(commit=False))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{title}: saved.")
            return redirect(_pupil_url(school, pupil, anchor))
    status = 400 if request.method == "POST" else 200
    context = {"school": school, "pupil": pupil, "form": form, "title": title, **(extra or {})}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_CASES)
def threshold_decision(request: HttpRequest, school: School, pupil_id: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    today = timezone.localdate()
    status = PupilStatus.objects.filter(school=school, pupil=pupil).first()
    record = pupil_record(school=school, pupil=pupil, today=today)
    known = prior_notices_known(pupil=pupil, on=today)
    return _record_page(
        request,
        school,
        pupil,
        ThresholdDecisionForm(request.POST or None, known_prior_notices=known),
        title="National threshold decision",
        template="escalation/threshold_decision.html",
        save=lambda d: support.threshold_decision_record(
            decision=d, school=school, pupil=pupil, user=request.user, today=today
        ),
        anchor="threshold",
        extra={"s": status, "r": record},
    )


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_CASES)
def plan_new(request: HttpRequest, school: School, pupil_id: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    return _record_page(
        request,
        school,
        pupil,
        SupportPlanForm(request.POST or None),
        title="Attendance support plan",
        template="escalation/record_form.html",
        save=lambda p: support.record_save(record=p, school=school, pupil=pupil, user=request.user),
        anchor="support",
    )


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_CASES)
def contract_new(request: HttpRequest, school: School, pupil_id: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    return _record_page(
        request,
        school,
        pupil,
        AttendanceContractForm(request.POST or None),
        title="Attendance contract",
        template="escalation/record_form.html",
        save=lambda c: support.record_save(record=c, school=school, pupil=pupil, user=request.user),
        anchor="support",
    )


@require_http_methods(["GET", "POST"])
@school_view(Capability.VIEW_PUPILS)
def note_new(request: HttpRequest, school: School, pupil_id: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    return _record_page(
        request,
        school,
        pupil,
        PupilNoteForm(request.POST or None),
        title="Note or contact",
        template="escalation/record_form.html",
        save=lambda n: support.record_save(record=n, school=school, pupil=pupil, user=request.user),
        anchor="contacts",
    )


_REVIEWABLE = {"plan": SupportPlan, "contract": AttendanceContract}


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_CASES)
def review(request: HttpRequest, school: School, pupil_id: int, kind: str, pk: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    model = _REVIEWABLE.get(kind)
    record = get_object_or_404(model, pk=pk, school=school, pupil=pupil) if model else None
    if record is None:
        return HttpResponse(status=404)
    form = ReviewForm(request.POST or None, initial={"reviewed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            support.review_record(
                record=record,
                reviewed_on=form.cleaned_data["reviewed_on"],
                notes=form.cleaned_data["review_notes"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Review recorded.")
            return redirect(_pupil_url(school, pupil, "support"))
    return render(
        request,
        "escalation/review.html",
        {"school": school, "pupil": pupil, "record": record, "form": form, "kind": kind},
        status=400 if request.method == "POST" else 200,
    )


urlpatterns: list[URLPattern] = [
    path("pupils/<int:pupil_id>/case/decide/", decide, name="dashboard_case_decide"),
    path(
        "pupils/<int:pupil_id>/threshold-decision/",
        threshold_decision,
        name="dashboard_threshold_decision",
    ),
    path("pupils/<int:pupil_id>/support-plans/new/", plan_new, name="dashboard_plan_new"),
    path("pupils/<int:pupil_id>/contracts/new/", contract_new, name="dashboard_contract_new"),
    path("pupils/<int:pupil_id>/notes/new/", note_new, name="dashboard_note_new"),
    path("pupils/<int:pupil_id>/<str:kind>/<int:pk>/review/", review, name="dashboard_review"),
]
