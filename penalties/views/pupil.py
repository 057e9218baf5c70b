"""A pupil's legal interventions: the page, and one form per step (notice to improve,
request, issue, payment, withdrawal, prosecution, alternative). Each view checks
MANAGE_CASES through `school_view`, loads its object scoped to the school and pupil
(404 otherwise), validates a form and calls one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from escalation.views.pupil import get_pupil
from penalties import forms, rules, selectors
from penalties.models import (
    AlternativeKind,
    NoticeToImprove,
    PenaltyNotice,
    PenaltyRequest,
    ProsecutionOutcome,
    WithdrawalGround,
)
from penalties.services import notices as pn
from penalties.services import nti as ntis
from registers.models import Pupil, School
from registers.permissions import Capability
from registers.views.access import school_view


def pupil_url(school: School, pupil: Pupil, anchor: str = "") -> str:
    url = reverse("penalties_pupil", kwargs={"urn": school.urn, "pupil_id": pupil.pk})
    return f"{url}#{anchor}" if anchor else url


def _step(
    request: HttpRequest,
    school: School,
    pupil: Pupil,
    form: Form,
    *,
    title: str,
    save: Callable[[dict[str, Any]], object],
    done: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET shows the form; a valid POST calls `save`, whose refusals become form errors."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, done)
            return redirect(pupil_url(school, pupil))
    context = {"school": school, "pupil": pupil, "form": form, "title": title, **(extra or {})}
    status = 400 if request.method == "POST" else 200
    return render(request, "penalties/step.html", context, status=status)


@require_GET
@school_view(Capability.MANAGE_CASES)
def pupil_page(request: HttpRequest, school: School, pupil_id: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    today = timezone.localdate()
    legal = selectors.pupil_interventions(school=school, pupil=pupil, today=today)
    return render(
        request,
        "penalties/pupil.html",
        {
            "school": school,
            "pupil": pupil,
            "legal": legal,
            "today": today,
            "terms": selectors.terms_for(school=school, on=today),
            "manual_form": forms.ManualRequestForm(),
        },
    )


@require_POST
@school_view(Capability.MANAGE_CASES)
def nti_new(request: HttpRequest, school: School, pupil_id: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    nti = ntis.nti_open(school=school, pupil=pupil, user=request.user, today=timezone.localdate())
    return redirect("penalties_nti_issue", urn=school.urn, pupil_id=pupil.pk, pk=nti.pk)


def _nti(school: School, pupil: Pupil, pk: int) -> NoticeToImprove:
    return get_object_or_404(NoticeToImprove, pk=pk, school=school, pupil=pupil)


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_CASES)
def nti_issue(request: HttpRequest, school: School, pupil_id: int, pk: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    nti = _nti(school, pupil, pk)
    today = timezone.localdate()
    initial = {
        "guardians": list(nti.guardians.all()),
        "issued_on": today,
        "period_weeks": nti.period_weeks,
        "support_offered": nti.support_offered,
        "allowed_unauthorised": 0,
    }
    form = forms.NTIIssueForm(request.POST or None, pupil=pupil, initial=initial)
    return _step(
        request,
        school,
        pupil,
        form,
        title="Issue a notice to improve",
        save=lambda d: ntis.nti_issue(nti=nti, user=request.user, today=today, **d),
        done="Notice to improve issued.",
        extra={"nti": nti, "intro": "penalties/_nti_intro.html"},
    )


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_CASES)
def nti_outcome(request: HttpRequest, school: School, pupil_id: int, pk: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    nti = _nti(school, pupil, pk)
    today = timezone.localdate()
    sessions = ntis.unauthorised_in_period(nti)
    return _step(
        request,
        school,
        pupil,
        forms.NTIOutcomeForm(request.POST or None),
        title="Outcome of the notice to improve",
        save=lambda d: ntis.nti_outcome_record(nti=nti, user=request.user, today=today, **d),
        done="Outcome recorded.",
        extra={"nti": nti, "sessions": sessions, "intro": "penalties/_nti_outcome_intro.html"},
    )


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_CASES)
def nti_withdraw(request: HttpRequest, school: School, pupil_id: int, pk: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    nti = _nti(school, pupil, pk)
    today = timezone.localdate()
    return _step(
        request,
        school,
        pupil,
        forms.NoteForm(request.POST or None),
        title="Withdraw the notice to improve",
        save=lambda d: ntis.nti_withdraw(nti=nti, user=request.user, today=today, **d),
        done="Notice to improve withdrawn.",
    )


@require_POST
@school_view(Capability.MANAGE_CASES)
def request_new(request: HttpRequest, school: School, pupil_id: int) -> HttpResponse:
    """A request below the threshold (rules §3.1 allows a manual referral)."""
    pupil = get_pupil(school, pupil_id)
    form = forms.ManualRequestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(pupil_url(school, pupil, "requests"))
    made = pn.penalty_request_open(
        school=school,
        pupil=pupil,
        user=request.user,
        today=timezone.localdate(),
        **form.cleaned_data,
    )
    return redirect("penalties_request", urn=school.urn, pupil_id=pupil.pk, pk=made.pk)


def _request(school: School, pupil: Pupil, pk: int) -> PenaltyRequest:
    return get_object_or_404(PenaltyRequest, pk=pk, school=school, pupil=pupil)


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_CASES)
def request_submit(request: HttpRequest, school: School, pupil_id: int, pk: int) -> HttpResponse:
    """Shows each parent's 3-year count before anyone requests a notice."""
    pupil = get_pupil(school, pupil_id)
    req = _request(school, pupil, pk)
    today = timezone.localdate()
    counts = selectors.parent_counts(pupil=pupil, on=today)
    initial = {
        "guardians": [c.guardian for c in counts if c.can_request],
        "offence_start": req.offence_start,
        "offence_end": req.offence_end,
    }
    if req.nti is not None:
        initial["guardians"] = [g for g in req.nti.guardians.all() if g in initial["guardians"]]
    uncovered = []
    if req.offence_start and req.offence_end:
        uncovered = selectors.uncovered_sessions(
            school=school, pupil=pupil, start=req.offence_start, end=req.offence_end
        )
    return _step(
        request,
        school,
        pupil,
        forms.RequestForm(request.POST or None, pupil=pupil, initial=initial),
        title="Request penalty notices from the local authority",
        save=lambda d: pn.penalty_request_submit(request=req, user=request.user, today=today, **d),
        done="Penalty notices requested.",
        extra={
            "req": req,
            "counts": counts,
            "uncovered": uncovered,
            "intro": "penalties/_request_intro.html",
        },
    )


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_CASES)
def request_cancel(request: HttpRequest, school: School, pupil_id: int, pk: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    req = _request(school, pupil, pk)
    today = timezone.localdate()
    return _step(
        request,
        school,
        pupil,
        forms.NoteForm(request.POST or None),
        title="Do not request a penalty notice",
        save=lambda d: pn.penalty_request_cancel(request=req, user=request.user, today=today, **d),
        done="Recorded: no penalty notice requested.",
    )


Saver = Callable[[PenaltyNotice, Any, Any, dict[str, Any]], object]

# Each step: its title, form, message when done, and the service call with the form's data.
NOTICE_STEPS: dict[str, tuple[str, type[Form], str, Saver]] = {
    "issue": (
        "Record the issue of the penalty notice",
        forms.IssueForm,
        "Issue recorded.",
        lambda n, u, t, d: pn.penalty_issue(
            notice=n, user=u, today=t, **{**d, "delivery": rules.Delivery(d["delivery"])}
        ),
    ),
    "decline": (
        "The local authority did not issue it",
        forms.NoteForm,
        "Recorded.",
        lambda n, u, t, d: pn.penalty_decline(notice=n, user=u, today=t, **d),
    ),
    "payment": (
        "Record a payment",
        forms.PaymentForm,
        "Payment recorded.",
        lambda n, u, t, d: pn.penalty_payment_record(
            notice=n, user=u, today=t, paid_on=d["paid_on"], amount_pence=d["amount_pence"]
        ),
    ),
    "withdraw": (
        "Withdraw the penalty notice",
        forms.WithdrawForm,
        "Notice withdrawn.",
        lambda n, u, t, d: pn.penalty_withdraw(
            notice=n, user=u, today=t, **{**d, "ground": WithdrawalGround(d["ground"])}
        ),
    ),
    "prosecute": (
        "Record referral for prosecution",
        forms.ProsecuteForm,
        "Recorded.",
        lambda n, u, t, d: pn.penalty_prosecute(notice=n, user=u, today=t, **d),
    ),
    "outcome": (
        "Record the court's outcome",
        forms.ProsecutionOutcomeForm,
        "Recorded.",
        lambda n, u, t, d: pn.penalty_prosecution_outcome(
            notice=n, user=u, today=t, note=d["note"], outcome=ProsecutionOutcome(d["outcome"])
        ),
    ),
}


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_CASES)
def notice_step(
    request: HttpRequest, school: School, pupil_id: int, pk: int, step: str
) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    notice = get_object_or_404(PenaltyNotice, pk=pk, school=school, pupil=pupil)
    if step not in NOTICE_STEPS:
        return HttpResponse(status=404)
    title, form_class, done, save = NOTICE_STEPS[step]
    today = timezone.localdate()
    form = form_class(request.POST or None)
    return _step(
        request,
        school,
        pupil,
        form,
        title=title,
        save=lambda d: save(notice, request.user, today, d),
        done=done,
        extra={"notice": notice, "intro": "penalties/_notice_intro.html"},
    )


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_CASES)
def alternative_new(request: HttpRequest, school: School, pupil_id: int) -> HttpResponse:
    pupil = get_pupil(school, pupil_id)
    today = timezone.localdate()
    return _step(
        request,
        school,
        pupil,
        forms.AlternativeForm(request.POST or None, pupil=pupil),
        title="Use another tool instead of a penalty notice",
        save=lambda d: pn.alternative_record(
            school=school,
            pupil=pupil,
            user=request.user,
            today=today,
            kind=AlternativeKind(d["kind"]),
            guardian=d["guardian"],
            note=d["note"],
        ),
        done="Recorded.",
        extra={"counts": selectors.parent_counts(pupil=pupil, on=today)},
    )


_P = "pupils/<int:pupil_id>/legal/"
urlpatterns: list[URLPattern] = [
    path(_P, pupil_page, name="penalties_pupil"),
    path(f"{_P}nti/new/", nti_new, name="penalties_nti_new"),
    path(f"{_P}nti/<int:pk>/issue/", nti_issue, name="penalties_nti_issue"),
    path(f"{_P}nti/<int:pk>/outcome/", nti_outcome, name="penalties_nti_outcome"),
    path(f"{_P}nti/<int:pk>/withdraw/", nti_withdraw, name="penalties_nti_withdraw"),
    path(f"{_P}requests/new/", request_new, name="penalties_request_new"),
    path(f"{_P}requests/<int:pk>/", request_submit, name="penalties_request"),
    path(f"{_P}requests/<int:pk>/cancel/", request_cancel, name="penalties_request_cancel"),
    path(f"{_P}notices/<int:pk>/<slug:step>/", notice_step, name="penalties_notice_step"),
    path(f"{_P}alternatives/new/", alternative_new, name="penalties_alternative_new"),
]
