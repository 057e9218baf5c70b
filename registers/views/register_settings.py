"""A school's register times (rules §0.6 and §5.11)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from registers.forms.school import RegisterTimesForm
from registers.models import School
from registers.models.schools import MAX_REGISTER_OPEN_MINUTES
from registers.permissions import Capability
from registers.views.access import school_view


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_SCHOOL)
def register_settings(request: HttpRequest, school: School) -> HttpResponse:
    form = RegisterTimesForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        # Only the register times: a concurrent edit of the school's other fields stands.
        form.save(commit=False).save(update_fields=RegisterTimesForm.Meta.fields)
        messages.success(request, "Register times saved.")
        return redirect("register_settings", urn=school.urn)
    return render(
        request,
        "registers/register_settings.html",
        {"school": school, "form": form, "max_minutes": MAX_REGISTER_OPEN_MINUTES},
    )


urlpatterns: list[URLPattern] = [
    path("settings/registers/", register_settings, name="register_settings"),
]
