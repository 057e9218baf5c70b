"""Deleting a pupil's name from the admission register, and the deletion return."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from registers import deletion_rules
from registers.forms.deletion import RegisterDeletionForm
from registers.models import School
from registers.permissions import Capability
from registers.selectors.deletion import (
    absence_run_for,
    deletable_enrolment,
    deletions_for,
    parents_lived_with,
    pupils_on_roll,
)
from registers.services.deletion import pupil_delete_from_register
from registers.views.access import school_view

PUPILS_LISTED = 50


@require_GET
@school_view(Capability.MANAGE_SCHOOL)
def deletions(request: HttpRequest, school: School) -> HttpResponse:
    """Deletions made, and a search for a pupil on roll to delete."""
    term = request.GET.get("q", "").strip()[:100]
    today = timezone.localdate()
    found = (
        list(pupils_on_roll(school=school, today=today, term=term)[:PUPILS_LISTED]) if term else []
    )
    return render(
        request,
        "registers/register_deletions.html",
        {
            "school": school,
            "term": term,
            "found": found,
            "deletions": deletions_for(school)[:100],
        },
    )


def _add_errors(form: RegisterDeletionForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_SCHOOL)
def delete_from_register(request: HttpRequest, school: School, pupil_id: int) -> HttpResponse:
    today = timezone.localdate()
    enrolment = deletable_enrolment(school=school, pupil_id=pupil_id, today=today)
    if enrolment is None:
        raise Http404("No pupil on roll here with that id")
    parents = parents_lived_with(enrolment)
    initial = {"deletion_date": today, "pupil_address": parents[0]["address"] if parents else ""}
    form = RegisterDeletionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deletion = pupil_delete_from_register(
                enrolment=enrolment,
                ground=data["ground"],
                deletion_date=data["deletion_date"],
                ground_met_on=data["ground_met_on"],
                checks=form.checks(),
                user=request.user,
                today=today,
                notes=data["notes"],
                pupil_address=data["pupil_address"],
                future_address=data["future_address"],
                future_school=data["future_school"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{deletion.pupil_name}'s name is deleted from the register.")
            return redirect(
                "register_deletion_return", urn=school.urn, pupil_id=pupil_id, pk=deletion.pk
            )
    run = absence_run_for(enrolment=enrolment, through=today)
    # After is_valid, cleaned_data holds whichever fields were valid, even on an error.
    checks = form.checks() if form.is_bound else deletion_rules.GroundIChecks()
    return render(
        request,
        "registers/register_delete.html",
        {
            "school": school,
            "pupil": enrolment.pupil,
            "enrolment": enrolment,
            "parents": parents,
            "form": form,
            "run": run,
            "required_days": deletion_rules.CONTINUOUS_ABSENCE_DAYS,
            "ground_i_missing": [
                message
                for _field, message in deletion_rules.ground_i_problems(
                    run=run, checks=checks, today=today
                )
            ],
        },
    )


@require_GET
@school_view(Capability.MANAGE_SCHOOL)
def deletion_return(request: HttpRequest, school: School, pupil_id: int, pk: int) -> HttpResponse:
    deletion = get_object_or_404(
        deletions_for(school).select_related("enrolment__school"),
        pk=pk,
        enrolment__pupil_id=pupil_id,
    )
    ground = deletion_rules.GROUNDS_BY_KEY.get(deletion.ground)
    return render(
        request,
        "registers/register_deletion_return.html",
        {"school": school, "deletion": deletion, "ground": ground},
    )


urlpatterns: list[URLPattern] = [
    path("register-deletions/", deletions, name="register_deletions"),
    path(
        "pupils/<int:pupil_id>/delete-from-register/",
        delete_from_register,
        name="register_delete",
    ),
    path(
        "pupils/<int:pupil_id>/register-deletions/<int:pk>/",
        deletion_return,
        name="register_deletion_return",
    ),
]
