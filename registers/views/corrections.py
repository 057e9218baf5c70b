"""One mark: its history (original entry and every amendment) and the correction form."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from registers.forms.marks import MarkCorrectionForm
from registers.models import School
from registers.permissions import Capability, user_can
from registers.selectors.marks import mark_history, roll_spells, school_pupil, session_is_held
from registers.services.corrections import mark_correct
from registers.views.access import school_view


def safe_next(request: HttpRequest) -> str:
    """The `next` URL of the request if it points into this site, else ""."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    same_site = url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if same_site else ""


@require_http_methods(["GET", "POST"])
@school_view(Capability.VIEW_PUPILS)
def mark_detail(
    request: HttpRequest, school: School, upn: str, day: dt.date, session: str
) -> HttpResponse:
    """Anyone who may see pupils sees the history; correcting needs CORRECT_MARKS."""
    pupil = school_pupil(school=school, upn=upn)
    if pupil is None:
        raise Http404("No such pupil at this school")
    can_correct = user_can(request.user, school, Capability.CORRECT_MARKS)
    if request.method == "POST" and not can_correct:
        raise Http404("Not allowed to correct marks")
    history = mark_history(school=school, pupil=pupil, day=day, session=session)
    spells = roll_spells(school=school, pupil=pupil)
    on_roll = [e for e in spells if e.is_on_roll(day)]
    held = session_is_held(school=school, day=day, session=session)
    next_url = safe_next(request)
    form = MarkCorrectionForm(
        request.POST or None, current=history.mark, initial={"next": next_url}
    )
    if request.method == "POST" and form.is_valid():
        previous = history.current
        try:
            mark_correct(
                school=school,
                pupil=pupil,
                day=day,
                session=session,
                code=form.cleaned_data["code"],
                minutes_late=form.cleaned_data["minutes_late"],
                reason=form.cleaned_data["reason_text"],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            code = form.cleaned_data["code"]
            what = f"changed from {previous.code} to {code}" if previous else f"recorded as {code}"
            messages.success(request, f"{pupil}, {day:%a} {day.day} {day:%b %Y} {session}: {what}.")
            return redirect(next_url or request.path)
    return render(
        request,
        "registers/mark_detail.html",
        {
            "school": school,
            "pupil": pupil,
            "day": day,
            "session": session,
            "history": history,
            "form": form if can_correct and (held and on_roll or form.errors) else None,
            "can_correct": can_correct,
            "held": held,
            "enrolment": on_roll[0] if on_roll else None,
            "spells": spells,
            "next_url": next_url,
        },
    )


urlpatterns: list[URLPattern] = [
    path(
        "marks/<str:upn>/<isodate:day>/<session:session>/",
        mark_detail,
        name="mark_detail",
    ),
]
