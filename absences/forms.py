"""Forms of the absences app: the public report, the portal, the office's decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from absences import rules
from absences.models import CallOutcome, PartOfDay, Reason
from absences.services.leave import EVIDENCE_MAX_BYTES, Adult, evidence_error
from absences.services.reports import (
    REPLACE_ALL,
    REPLACE_NONE,
    REPLACE_UNEXPLAINED,
    ReportFields,
)
from registers.codes import CODES

MAX_ADULTS = 4
HONEYPOT = "website"


def _date(**kwargs: Any) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d", **kwargs)


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ReportForm(_Form):
    """The public form: what a parent tells the school; a bot fills the hidden field."""

    child_name = forms.CharField(label=_("Child's full name"), max_length=120)
    child_date_of_birth = forms.DateField(label=_("Child's date of birth"), widget=_date())
    child_class = forms.CharField(
        label=_("Class or form"), max_length=40, help_text=_("For example 4B or Hazel class.")
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=120)
    reporter_relationship = forms.CharField(
        label=_("Your relationship to the child"),
        max_length=60,
        help_text=_("For example mother, father, grandparent, carer."),
    )
    reporter_phone = forms.CharField(
        label=_("Phone number"),
        max_length=30,
        help_text=_("The school may call you back on this number."),
    )
    reporter_email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        max_length=254,
        help_text=_("We will send a confirmation with your reference number."),
    )
    reason = forms.ChoiceField(
        label=_("Reason for the absence"), choices=Reason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example symptoms, or the time of the appointment. At most 1,000 characters."
        ),
    )
    first_day = forms.DateField(label=_("First day of absence"), widget=_date())
    expected_return = forms.DateField(
        label=_("Expected back on (optional)"),
        required=False,
        widget=_date(),
        help_text=_("Leave empty if the absence is for one day, or you do not know yet."),
    )
    part_of_day = forms.ChoiceField(
        label=_("Which part of the day"),
        choices=PartOfDay.choices,
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_reporter_phone(self) -> str:
        phone = self.cleaned_data["reporter_phone"].strip()
        digits = [c for c in phone if c.isdigit()]
        if len(digits) < 7 or any(c not in "0123456789 +()-" for c in phone):
            raise ValidationError(_("Enter a phone number, like 01632 960 001 or 07700 900 982."))
        return phone

    def clean_child_date_of_birth(self) -> dt.date:
        dob = self.cleaned_data["child_date_of_birth"]
        if not self.today.replace(year=self.today.year - 25) <= dob <= self.today:
            raise ValidationError(_("Enter the child's real date of birth."))
        return dob

    def clean_first_day(self) -> dt.date:
        day = self.cleaned_data["first_day"]
        if not self.today - dt.timedelta(days=14) <= day <= self.today + dt.timedelta(days=60):
            raise ValidationError(
                _("The first day must be within the last two weeks or the next two months.")
            )
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, back = data.get("first_day"), data.get("expected_return")
        if first and back:
            if back <= first:
                self.add_error("expected_return", _("The return date must be after the first day."))
            elif (back - first).days > 90:
                self.add_error("expected_return", _("Report at most 90 days at a time."))
        return data

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))

    def fields_value(self) -> ReportFields:
        d = self.cleaned_data
        return ReportFields(
            child_name=d["child_name"].strip(),
            child_date_of_birth=d["child_date_of_birth"],
            child_class=d["child_class"].strip(),
            reporter_name=d["reporter_name"].strip(),
            reporter_relationship=d["reporter_relationship"].strip(),
            reporter_phone=d["reporter_phone"],
            reporter_email=d["reporter_email"],
            reason=d["reason"],
            details=d["details"].strip(),
            first_day=d["first_day"],
            expected_return=d["expected_return"],
            part_of_day=d["part_of_day"] or "",
        )


class PortalReportForm(ReportForm):
    """The same report from the portal: the child and the reporter are already known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in (
            "child_name",
            "child_date_of_birth",
            "child_class",
            "reporter_name",
            "reporter_relationship",
            HONEYPOT,
        ):
            del self.fields[name]
        self.fields["reporter_email"].label = _("Email address for the confirmation")

    def report_fields(self, *, child_name: str, dob: dt.date, group: str, name: str, rel: str):
        self.cleaned_data.update(
            child_name=child_name,
            child_date_of_birth=dob,
            child_class=group,
            reporter_name=name,
            reporter_relationship=rel,
        )
        return self.fields_value()


class SignInForm(_Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)


class MatchForm(_Form):
    pupil = forms.TypedChoiceField(label=_("Pupil"), coerce=int, widget=forms.RadioSelect)
    code = forms.ChoiceField(label=_("Code to enter"), required=False)
    replace = forms.ChoiceField(
        label=_("Sessions already marked"),
        choices=[
            (REPLACE_UNEXPLAINED, _("Replace N (reason not yet established); keep other marks")),
            (REPLACE_NONE, _("Keep every mark already entered")),
            (REPLACE_ALL, _("Replace every mark in the period")),
        ],
        initial=REPLACE_UNEXPLAINED,
        widget=forms.RadioSelect,
    )

    def __init__(
        self, *args: Any, choices: list[tuple[int, str]], default_code: str | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupil"].choices = choices
        codes = [*rules.REASON_CODES.values(), *rules.OFFICE_CODES]
        self.fields["code"].choices = [
            ("", _("The reason's code") if default_code else _("Choose a code")),
            *[(c, f"{c}: {CODES[c].meaning}") for c in dict.fromkeys(codes)],
        ]
        self.fields["code"].help_text = (
            _("%(code)s unless you choose another.") % {"code": default_code}
            if default_code
            else _("The parent chose “other”: choose the code their reason supports.")
        )
        self.default_code = default_code

    def clean_code(self) -> str:
        code = self.cleaned_data["code"] or self.default_code
        if not code:
            raise ValidationError(_("Choose the code to enter."))
        return code


class PupilSearchForm(_Form):
    q = forms.CharField(label=_("Find a pupil by name"), max_length=100, required=False)


class DismissForm(_Form):
    note = forms.CharField(
        label=_("Why dismiss this report?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: a duplicate of another report, or no such pupil."),
    )


class LeaveRequestForm(_Form):
    """Appendix 5's leave form: dates, adults, reason, evidence and the declaration."""

    start_date = forms.DateField(label=_("First day of absence"), widget=_date())
    end_date = forms.DateField(label=_("Last day of absence"), widget=_date())
    address = forms.CharField(
        label=_("Child's address"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=10)
    reason = forms.CharField(
        label=_("Reason for the request"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Leave is only granted in exceptional circumstances; holidays are not normally "
            "exceptional. Attach evidence if you have it."
        ),
    )
    evidence = forms.FileField(
        label=_("Supporting evidence (optional)"),
        required=False,
        help_text=_("A PDF, JPEG or PNG file of at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    declaration = forms.BooleanField(
        label=_(
            "I understand that leave in term time is only granted in exceptional "
            "circumstances, that leave taken without permission is recorded as unauthorised "
            "absence and may lead to a referral to the local authority and a penalty "
            "notice, and that I will tell the school about any change."
        ),
    )
    signed_name = forms.CharField(label=_("Your full name, as your signature"), max_length=120)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        for i in range(MAX_ADULTS):
            required = i == 0
            self.fields[f"adult{i}_name"] = forms.CharField(
                label=_("Name"), max_length=120, required=required
            )
            self.fields[f"adult{i}_address"] = forms.CharField(
                label=_("Address, if different from the child's"), max_length=500, required=False
            )
            for flag, label in (
                ("lives_with", _("Lives with the child")),
                ("travelling", _("Travelling with the child")),
                ("parental_responsibility", _("Has parental responsibility")),
            ):
                self.fields[f"adult{i}_{flag}"] = forms.BooleanField(label=label, required=False)

    def adult_rows(self) -> list[list[forms.BoundField]]:
        return [
            [
                self[f"adult{i}_{n}"]
                for n in ("name", "address", "lives_with", "travelling", "parental_responsibility")
            ]
            for i in range(MAX_ADULTS)
        ]

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            if upload.size > EVIDENCE_MAX_BYTES:
                raise ValidationError(_("The file is larger than 5 MB."))
            if problem := evidence_error(upload):
                raise ValidationError(problem)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and start < self.today:
            self.add_error("start_date", _("Leave must be asked for before it starts."))
        if start and end and end < start:
            self.add_error("end_date", _("The last day must be on or after the first day."))
        for i in range(MAX_ADULTS):
            ticked = any(
                data.get(f"adult{i}_{f}")
                for f in ("lives_with", "travelling", "parental_responsibility")
            )
            if ticked and not data.get(f"adult{i}_name"):
                self.add_error(f"adult{i}_name", _("Give this adult's name."))
        return data

    def adults(self) -> list[Adult]:
        d = self.cleaned_data
        return [
            Adult(
                name=d[f"adult{i}_name"].strip(),
                address=d[f"adult{i}_address"].strip(),
                lives_with=d[f"adult{i}_lives_with"],
                travelling=d[f"adult{i}_travelling"],
                parental_responsibility=d[f"adult{i}_parental_responsibility"],
            )
            for i in range(MAX_ADULTS)
            if d.get(f"adult{i}_name", "").strip()
        ]


class LeaveDecisionForm(_Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("granted", _("Grant the leave")), ("refused", _("Refuse the leave"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The parent sees this, and the decision letter quotes it."),
    )


class CallAttemptForm(_Form):
    guardian = forms.TypedChoiceField(
        label=_("Who was called"), coerce=int, required=False, empty_value=None
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallOutcome.choices)
    reason_given = forms.CharField(
        label=_("Reason given, or notes"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, contacts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian"].choices = [("", _("Someone else")), *contacts]


class CallingTimeForm(_Form):
    calling_time = forms.TimeField(
        label=_("Start first-day calls at"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
