"""Bulk entry: preview, then apply, one code over a range of sessions."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods

from registers.codes import CODES
from registers.forms.marks import BulkEntryForm
from registers.models import School
from registers.permissions import Capability
from registers.selectors.marks import registration_groups
from registers.services.bulk import BulkPlan, BulkResult, bulk_apply, bulk_preview
from registers.views.access import school_view

_PREFILL = ("target", "registration_group", "upn", "code", "start", "end", "sessions")


def _grid_url(school: School, form: BulkEntryForm) -> str:
    """The week grid at the start of the range, narrowed to the pupil or group written."""
    data = form.cleaned_data
    query = {"week": data["start"].isoformat()}
    if data["target"] == "pupil":
        query["q"] = data["pupil"].upn
    else:
        query["registration_group"] = data["registration_group"]
    return f"{reverse('week_grid', kwargs={'urn': school.urn})}?{urlencode(query)}"


def _applied_message(result: BulkResult) -> str:
    written = result.written
    message = (
        f"Bulk entry applied: {len(written.created)} marks created, "
        f"{len(written.changed)} changed, {written.unchanged} already so."
    )
    skipped = sum(o.sessions for o in result.plan.off_roll)
    if skipped:
        message += f" {skipped} sessions off roll were skipped."
    return message


@require_http_methods(["GET", "POST"])
@school_view(Capability.CORRECT_MARKS)
def bulk_entry(request: HttpRequest, school: School) -> HttpResponse:
    """Step 1 (action=preview) shows what would change; step 2 (action=apply) writes it."""
    groups = registration_groups(school)
    if request.method == "GET":
        initial = {k: v for k in _PREFILL if (v := request.GET.get(k))}
        form = BulkEntryForm(initial=initial, school=school, groups=groups)
        return render(request, "registers/bulk_entry.html", {"school": school, "form": form})
    form = BulkEntryForm(request.POST, school=school, groups=groups)
    plan: BulkPlan | None = None
    if form.is_valid():
        kwargs = form.service_kwargs()
        if request.POST.get("action") == "apply":
            try:
                result = bulk_apply(
                    school=school,
                    user=request.user,
                    reason=form.cleaned_data["reason_text"],
                    **kwargs,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _applied_message(result))
                return redirect(_grid_url(school, form))
        plan = bulk_preview(school=school, **kwargs)
        for refusal in plan.refusals:
            if refusal not in form.non_field_errors():
                form.add_error(None, refusal)
    code = CODES.get(form.cleaned_data.get("code", "")) if plan else None
    return render(
        request,
        "registers/bulk_entry.html",
        {"school": school, "form": form, "plan": plan, "code": code},
    )


urlpatterns: list[URLPattern] = [path("bulk/", bulk_entry, name="bulk_entry")]
