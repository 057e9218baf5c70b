"""Forms of the reports app: which period to report on, and an export's date range."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.rules import Period

EXPORT_MAX_DAYS = 366  # one academic year, with a leap day
EXPORT_YEARS_BACK = 10  # registers are kept for years; older data is not in the system


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        help_text=_("From the school's calendar: a term, a half term or the year to date."),
    )

    def __init__(self, *args: object, periods: list[Period], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.key, p.label) for p in periods]
        self.fields["period"].error_messages["invalid_choice"] = _("Choose a period from the list.")


class ExportForm(forms.Form):
    SCOPES = [("pupils", _("One row per pupil")), ("groups", _("One row per group"))]
    FORMATS = [("csv", _("CSV (any spreadsheet)")), ("xlsx", _("Excel workbook (XLSX)"))]

    start = forms.DateField(
        label=_("From"),
        help_text=_("For example 1/9/2025."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.ChoiceField(
        label=_("Rows"), choices=SCOPES, initial="pupils", widget=forms.RadioSelect
    )
    file_format = forms.ChoiceField(
        label=_("Format"), choices=FORMATS, initial="csv", widget=forms.RadioSelect
    )

    def __init__(self, *args: object, today: dt.date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, object]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if not isinstance(start, dt.date) or not isinstance(end, dt.date):
            return data
        earliest = dt.date(self.today.year - EXPORT_YEARS_BACK, 9, 1)
        if start > end:
            self.add_error("end", _("The end date must be on or after the start date."))
        elif (end - start).days + 1 > EXPORT_MAX_DAYS:
            self.add_error("end", _("Choose at most a year (366 days) at a time."))
        if end > self.today:
            self.add_error("end", _("The end date cannot be in the future."))
        if start < earliest:
            self.add_error(
                "start",
                _("The start date must be on or after %(date)s.")
                % {"date": f"{earliest:%-d %B %Y}"},
            )
        return data
