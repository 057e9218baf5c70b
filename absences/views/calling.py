"""First-day calling: who to phone about today's N marks, and the log of each call."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from absences import selectors
from absences.forms import CallAttemptForm, CallingTimeForm
from absences.selectors.calling import calling_list, unmatched_reports_today
from absences.services.calling import call_attempt_record, calling_time_set
from registers.models import Guardian, PupilGuardian, School
from registers.permissions import Capability, capabilities_at
from registers.views.access import school_view


@require_GET
@school_view(selectors.QUEUE_CAPABILITY)
def calling(request: HttpRequest, school: School) -> HttpResponse:
    now = timezone.localtime()
    today = now.date()
    starts = selectors.calling_time(school)
    rows = calling_list(school=school, today=today)
    return render(
        request,
        "absences/office/calling.html",
        {
            "school": school,
            "today": today,
            "rows": [
                (
                    r,
                    CallAttemptForm(
                        contacts=[(c.guardian_id, c.name) for c in r.contacts],
                        auto_id=f"call-{r.pupil.pk}-%s",
                    ),
                )
                for r in rows
            ],
            "starts": starts,
            "before_start": now.time() < starts,
            "unmatched": unmatched_reports_today(school=school, today=today),
            "can_set_time": Capability.MANAGE_SCHOOL in capabilities_at(request.user, school),
            "time_form": CallingTimeForm(initial={"calling_time": starts}),
            "can_see_duties": Capability.VIEW_PUPILS in capabilities_at(request.user, school),
        },
    )


@require_POST
@school_view(selectors.QUEUE_CAPABILITY)
def call_log(request: HttpRequest, school: School, pupil_id: int) -> HttpResponse:
    today = timezone.localdate()
    pupil = get_object_or_404(selectors.pupils_on_roll(school, today), pk=pupil_id)
    contacts = [
        (link.guardian_id, link.guardian.name)
        for link in PupilGuardian.objects.filter(pupil=pupil).select_related("guardian")
    ]
    form = CallAttemptForm(request.POST, contacts=contacts)
    if not form.is_valid():
        messages.error(request, f"{pupil}: choose who was called and the outcome.")
        return redirect("absences_calling", urn=school.urn)
    guardian_id = form.cleaned_data["guardian"]
    try:
        call_attempt_record(
            school=school,
            pupil=pupil,
            day=today,
            guardian=Guardian.objects.filter(pk=guardian_id).first() if guardian_id else None,
            outcome=form.cleaned_data["outcome"],
            reason_given=form.cleaned_data["reason_given"],
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, f"{pupil}: {' '.join(error.messages)}")
    else:
        messages.success(request, f"Call about {pupil} logged.")
    return redirect(reverse("absences_calling", kwargs={"urn": school.urn}) + f"#pupil-{pupil.pk}")


@require_POST
@school_view(Capability.MANAGE_SCHOOL)
def calling_settings(request: HttpRequest, school: School) -> HttpResponse:
    form = CallingTimeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Enter a time, like 09:30.")
        calling_time_set(school=school, calling_time=form.cleaned_data["calling_time"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        value: dt.time = form.cleaned_data["calling_time"]
        messages.success(request, f"First-day calls now start at {value:%H:%M}.")
    return redirect("absences_calling", urn=school.urn)


urlpatterns: list[URLPattern] = [
    path("schools/<str:urn>/first-day-calls/", calling, name="absences_calling"),
    path(
        "schools/<str:urn>/first-day-calls/settings/",
        calling_settings,
        name="absences_calling_settings",
    ),
    path("schools/<str:urn>/first-day-calls/<int:pupil_id>/", call_log, name="absences_call_log"),
]
