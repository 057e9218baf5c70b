"""Forms of the correction, week-grid and bulk-entry screens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registers.codes import CODE_TABLE, LATE_CODES, Group
from registers.models import Mark, Pupil, School, YearGroup
from registers.selectors.marks import school_pupil

OTHER_REASON = "other"

# Reasons staff give most often; anything else is typed (rules §5.10 needs a reason).
CORRECTION_REASONS = (
    _("Parent provided evidence of illness"),
    _("Medical appointment confirmed"),
    _("Leave of absence granted"),
    _("Arrival time corrected"),
    _("Marked in error"),
    _("Reason for absence established"),
)
BULK_REASONS = (
    _("Leave of absence granted"),
    _("Emergency school closure"),
    _("Planned school closure"),
    _("Educational visit"),
    _("Part-time timetable agreed"),
    _("Marked in error"),
)
MAX_MINUTES_LATE = 240
_REAL_DATE = _("Enter a real date, for example 2025-01-13.")
# The week grid links the weeks either side of the one shown: dates near the ends of
# Python's calendar (year 1 or 9999) would overflow, and no register is kept there.
_GRID_WEEKS = (dt.date(1990, 1, 1), dt.date(2199, 12, 31))


def code_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The 2024 codes grouped as on a code sheet, each shown with its meaning."""
    return [
        (group.value, [(c.code, f"{c.code} — {c.meaning}") for c in CODE_TABLE if c.group is group])
        for group in Group
    ]


def _date_field(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _REAL_DATE},
        **kwargs,
    )


class _ReasonForm(forms.Form):
    """A reason chosen from a list, or typed; the typed detail is added to a listed one."""

    reasons: tuple[str, ...] = CORRECTION_REASONS

    reason = forms.ChoiceField(label=_("Reason for the change"))
    reason_detail = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=500,
        help_text=_("Required if you chose “Other”; otherwise optional, added to the reason."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [
            ("", _("Choose a reason")),
            *[(str(r), r) for r in self.reasons],
            (OTHER_REASON, _("Other (type it under Details)")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        choice, detail = data.get("reason"), data.get("reason_detail", "").strip()
        if choice == OTHER_REASON and not detail:
            self.add_error("reason_detail", _("Type the reason for the change."))
        elif choice:
            listed = "" if choice == OTHER_REASON else choice
            data["reason_text"] = " — ".join(part for part in (listed, detail) if part)
        return data


class MarkCorrectionForm(_ReasonForm):
    code = forms.ChoiceField(label=_("Code"), choices=code_choices)
    minutes_late = forms.IntegerField(
        label=_("Minutes late"),
        required=False,
        min_value=0,
        max_value=MAX_MINUTES_LATE,
        help_text=_("Only for L (late before the register closed) and U (after it closed)."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = ["code", "minutes_late", "reason", "reason_detail", "next"]

    def __init__(self, *args: Any, current: Mark | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current
        if current is not None:
            self.fields["code"].initial = current.code_id
            self.fields["minutes_late"].initial = current.minutes_late

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        code, minutes = data.get("code"), data.get("minutes_late")
        if code and minutes is not None and code not in LATE_CODES:
            self.add_error("minutes_late", _("Give minutes late only with L or U."))
        current = self.current
        if code and current and (current.code_id, current.minutes_late) == (code, minutes):
            self.add_error("code", _("This is already the recorded mark; choose a different one."))
        return data


class WeekGridFilterForm(forms.Form):
    week = _date_field(_("Week containing"), required=False)
    year_group = forms.ChoiceField(
        label=_("Year group"),
        required=False,
        choices=[("", _("All year groups")), *YearGroup.choices],
    )
    registration_group = forms.ChoiceField(label=_("Registration group"), required=False)
    q = forms.CharField(label=_("Pupil name or UPN"), required=False, max_length=100)

    def __init__(self, *args: Any, groups: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["registration_group"].choices = [
            ("", _("All registration groups")),
            *[(g, g) for g in groups],
        ]

    def clean_week(self) -> dt.date | None:
        week: dt.date | None = self.cleaned_data["week"]
        first, last = _GRID_WEEKS
        if week is not None and not first <= week <= last:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s."),
                params={"first": f"{first:%Y-%m-%d}", "last": f"{last:%Y-%m-%d}"},
            )
        return week


class BulkEntryForm(_ReasonForm):
    reasons = BULK_REASONS

    target = forms.ChoiceField(
        label=_("Apply to"),
        choices=[("group", _("A registration group")), ("pupil", _("One pupil"))],
        initial="group",
        widget=forms.RadioSelect,
    )
    registration_group = forms.ChoiceField(label=_("Registration group"), required=False)
    upn = forms.CharField(
        label=_("Pupil's UPN"),
        required=False,
        max_length=13,
        help_text=_("For one pupil: the 13-character UPN, shown in the week grid."),
    )
    code = forms.ChoiceField(label=_("Code"), choices=code_choices)
    start = _date_field(_("From"))
    end = _date_field(_("To (inclusive)"))
    sessions = forms.ChoiceField(
        label=_("Sessions"),
        choices=[
            ("both", _("Morning and afternoon")),
            ("AM", _("Morning only")),
            ("PM", _("Afternoon only")),
        ],
        initial="both",
        widget=forms.RadioSelect,
    )

    field_order = [
        "target",
        "registration_group",
        "upn",
        "code",
        "start",
        "end",
        "sessions",
        "reason",
        "reason_detail",
    ]

    def __init__(self, *args: Any, school: School, groups: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["registration_group"].choices = [
            ("", _("Choose a group")),
            *[(g, g) for g in groups],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        target = data.get("target")
        if target == "group" and not data.get("registration_group"):
            self.add_error("registration_group", _("Choose the registration group."))
        if target == "pupil":
            upn = data.get("upn", "").strip().upper()
            pupil = school_pupil(school=self.school, upn=upn) if upn else None
            if not upn:
                self.add_error("upn", _("Enter the pupil's UPN."))
            elif pupil is None:
                self.add_error("upn", _("No pupil with this UPN has been on roll at this school."))
            data["pupil"] = pupil
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date must be on or after the start date."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned request, as `bulk_preview` and `bulk_apply` take it."""
        data = self.cleaned_data
        pupil: Pupil | None = data.get("pupil") if data["target"] == "pupil" else None
        start: dt.date = data["start"]
        end: dt.date = data["end"]
        return {
            "code": data["code"],
            "start": start,
            "end": end,
            "sessions": ("AM", "PM") if data["sessions"] == "both" else (data["sessions"],),
            "pupil": pupil,
            "registration_group": "" if pupil else data["registration_group"],
        }
