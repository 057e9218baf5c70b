"""Deleting a pupil's name from the admission register (rules §5.2–5.4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registers import deletion_rules


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: str, required_message: str = "", **kwargs: Any) -> forms.DateField:
    errors = {"invalid": _("Enter a date, for example 2025-12-08.")}
    if required_message:
        errors["required"] = required_message
    return forms.DateField(label=label, widget=_date_widget(), error_messages=errors, **kwargs)


class RegisterDeletionForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Ground for deletion"),
        choices=[(g.key, f"{g.label} (regulation {g.regulation})") for g in deletion_rules.GROUNDS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the ground for deleting the pupil's name.")},
    )
    ground_met_on = _date(
        _("Date the ground was met"),
        required=False,
        help_text=_(
            "Not needed for ground (i): it is the day the 20th school day of absence fell."
        ),
    )
    deletion_date = _date(
        _("Deletion date"),
        help_text=_("Today or later: a name cannot be deleted retrospectively."),
        required_message=_("Give the deletion date."),
    )
    no_sickness_grounds = forms.BooleanField(
        label=_(
            "The school has no reasonable grounds to believe the pupil cannot attend because "
            "of sickness or an unavoidable cause"
        ),
        required=False,
    )
    no_sickness_grounds_by = forms.CharField(
        label=_("Confirmed by (name and position)"), max_length=200, required=False
    )
    no_sickness_grounds_on = _date(_("Confirmed on"), required=False)
    enquiries_failed = forms.BooleanField(
        label=_(
            "The school and the local authority jointly made reasonable enquiries and could "
            "not find the pupil"
        ),
        required=False,
    )
    enquiries_failed_by = forms.CharField(
        label=_("Confirmed by (name and position, school and local authority)"),
        max_length=200,
        required=False,
    )
    enquiries_failed_on = _date(_("Confirmed on"), required=False)
    pupil_address = forms.CharField(
        label=_("Pupil's address"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Filled in from the parent the pupil lives with; correct it if it differs."),
    )
    future_address = forms.CharField(
        label=_("Future address, if known"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    future_school = forms.CharField(
        label=_("Future school, if known"), max_length=200, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    GROUND_I_FIELDS = (
        "no_sickness_grounds",
        "no_sickness_grounds_by",
        "no_sickness_grounds_on",
        "enquiries_failed",
        "enquiries_failed_by",
        "enquiries_failed_on",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def checks(self) -> deletion_rules.GroundIChecks:
        """The ground (i) checks as entered (after `is_valid`)."""
        data = self.cleaned_data

        def confirmation(name: str) -> deletion_rules.Confirmation:
            on: dt.date | None = data.get(f"{name}_on")
            return deletion_rules.Confirmation(
                confirmed=bool(data.get(name)), by=data.get(f"{name}_by") or "", on=on
            )

        return deletion_rules.GroundIChecks(
            no_sickness_grounds=confirmation("no_sickness_grounds"),
            enquiries_failed=confirmation("enquiries_failed"),
        )
