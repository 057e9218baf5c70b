"""Taking registers: today's registers for a school, and one group's register."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from registers.forms.register import (
    CODE_INFO,
    RegisterForm,
    after_conflict,
    fill_unmarked_present,
    tally,
)
from registers.models import School, Session
from registers.permissions import Capability
from registers.register_rules import present_code
from registers.selectors.register import RegisterSheet, register_sheet, registers_day
from registers.services.register import RegisterConflict, RegisterSaveResult, register_save
from registers.views.access import school_view


def _requested_day(request: HttpRequest) -> tuple[dt.date, str]:
    """The `?date=` asked for (default today) and an error message if it was not a date."""
    raw = request.GET.get("date", "").strip()
    if raw:
        try:
            return dt.date.fromisoformat(raw), ""
        except ValueError:
            return timezone.localdate(), f"“{raw}” is not a date; showing today instead."
    return timezone.localdate(), ""


@require_GET
@school_view(Capability.TAKE_REGISTER)
def registers_today(request: HttpRequest, school: School) -> HttpResponse:
    """Every group's registers for a day, the user's own groups first."""
    day, date_error = _requested_day(request)
    overview = registers_day(school=school, day=day, user=request.user, now=timezone.now())
    context = {
        "school": school,
        "day": day,
        "overview": overview,
        "is_today": day == timezone.localdate(),
        "date_error": date_error,
    }
    if request.htmx:
        return render(request, "registers/_registers_today.html", context)
    return render(request, "registers/registers_today.html", context)


@require_http_methods(["GET", "POST"])
@school_view(Capability.TAKE_REGISTER)
def register_take(
    request: HttpRequest, school: School, day: dt.date, session: str, group: str
) -> HttpResponse:
    """One group's register for one session: mark every pupil, save the whole register."""
    sheet = register_sheet(school=school, group=group, day=day, session=session)
    if sheet is None:
        raise Http404("No such register")
    if request.method == "GET":
        return _page(request, sheet, RegisterForm(sheet=sheet))
    if "fill" in request.POST:
        data, filled = fill_unmarked_present(request.POST, sheet)
        notice = f"Marked {filled} unmarked pupils present. Check the register, then save it."
        return _page(request, sheet, RegisterForm(data, sheet=sheet), notice=notice)
    form = RegisterForm(request.POST, sheet=sheet)
    if not form.is_valid():
        return _page(request, sheet, form)
    try:
        result = register_save(
            school=school,
            group=group,
            day=day,
            session=session,
            entries=form.entries,
            baseline=form.baseline,
            user=request.user,
        )
    except RegisterConflict as conflict:
        data = after_conflict(request.POST, sheet, conflict.conflicts, conflict.stored)
        conflicts = {c.pupil_id: c for c in conflict.conflicts}
        return _page(request, sheet, RegisterForm(data, sheet=sheet, conflicts=conflicts), 409)
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, sheet, form)
    messages.success(request, _saved_message(sheet, result))
    return redirect(request.path)


def _page(
    request: HttpRequest, sheet: RegisterSheet, form: RegisterForm, status: int = 200, notice=""
) -> HttpResponse:
    rows = form.rows()
    context = {
        "school": sheet.school,
        "sheet": sheet,
        "form": form,
        "rows": rows,
        "counts": tally(rows),
        "summary": form.error_summary(),
        "conflicts": [(row, row.conflict) for row in rows if row.conflict],
        "resolving": ",".join(str(pid) for pid in form.resolving),
        "notice": notice,
        "session_label": Session(sheet.session).label,
        "present": present_code(sheet.session),
        "code_info": CODE_INFO,
    }
    return render(request, "registers/register_take.html", context, status=status)


def _saved_message(sheet: RegisterSheet, result: RegisterSaveResult) -> str:
    day = f"{sheet.day:%a} {sheet.day.day} {sheet.day:%b}"
    what = f"{sheet.group} {Session(sheet.session).label.lower()} register, {day}"
    written = result.written
    changes = f"{len(written.created)} marks recorded, {len(written.changed)} changed."
    if result.first_save and result.taking.taken_late:
        return f"Saved the {what}: {changes} It was taken after the register closed."
    return f"Saved the {what}: {changes}"


urlpatterns = [
    path("registers/", registers_today, name="registers_today"),
    path(
        "registers/<isodate:day>/<session:session>/<str:group>/",
        register_take,
        name="register_take",
    ),
]
