"""Forms of the legal interventions pages: each validates input for one service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from penalties import rules
from penalties.models import AlternativeKind, PNStatus, ProsecutionOutcome, WithdrawalGround
from penalties.models.notices import NTIStatus
from penalties.selectors import TYPES
from registers.models import Guardian, Pupil, YearGroup


def _date(**kwargs: Any) -> forms.DateField:
    return forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


def _text(label: str, *, required: bool = True, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ParentsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Guardian) -> str:
        return obj.name


def parents_queryset(pupil: Pupil):
    return Guardian.objects.filter(
        pupil_links__pupil=pupil, pupil_links__parental_responsibility=True
    ).order_by("name")


class NTIIssueForm(Form):
    guardians = ParentsField(label=_("Issue to"), queryset=Guardian.objects.none())
    issued_on = _date(label=_("Date of issue"))
    period_weeks = forms.TypedChoiceField(
        label=_("Improvement period"),
        coerce=int,
        choices=[
            (n, f"{n} school weeks")
            for n in range(rules.MIN_IMPROVEMENT_WEEKS, rules.MAX_IMPROVEMENT_WEEKS + 1)
        ],
    )
    expected_improvement = _text(_("What sufficient improvement looks like"))
    allowed_unauthorised = forms.IntegerField(
        label=_("Unauthorised sessions the period may hold"), min_value=0, max_value=60, initial=0
    )
    early_grounds = _text(_("Grounds for a penalty notice before the period ends"), required=False)
    support_offered = _text(_("Support provided so far and still available"))

    def __init__(self, *args: Any, pupil: Pupil, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardians"].queryset = parents_queryset(pupil)


class NTIOutcomeForm(Form):
    complied = forms.TypedChoiceField(
        label=_("Outcome"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Complied")), ("no", _("Not complied: request a penalty notice"))],
        widget=forms.RadioSelect,
    )
    note = _text(_("Note"), required=False)


class NoteForm(Form):
    note = _text(_("Reason"))


class RequestForm(Form):
    guardians = ParentsField(label=_("Request a notice for"), queryset=Guardian.objects.none())
    offence_start = _date(label=_("Offence period from"))
    offence_end = _date(label=_("Offence period to"))
    grounds = _text(_("Why a penalty notice is requested"))

    def __init__(self, *args: Any, pupil: Pupil, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardians"].queryset = parents_queryset(pupil)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("offence_start"), data.get("offence_end")
        if start and end and end < start:
            self.add_error("offence_end", _("The period must end on or after its start."))
        return data


class ManualRequestForm(Form):
    offence_start = _date(label=_("Offence period from"))
    offence_end = _date(label=_("Offence period to"))


class IssueForm(Form):
    issued_on = _date(label=_("Date of issue"))
    issuing_officer = forms.CharField(label=_("Issued by (authorised officer)"), max_length=200)
    la_reference = forms.CharField(
        label=_("Local authority reference"), max_length=50, required=False
    )
    delivery = forms.ChoiceField(
        label=_("Delivered"),
        choices=[
            (rules.Delivery.POST.value, _("By first class post")),
            (rules.Delivery.HAND.value, _("By hand")),
            (rules.Delivery.EMAIL.value, _("By email")),
        ],
        widget=forms.RadioSelect,
    )
    posted_on = _date(label=_("Posted on"), required=False, help_text=_("For a posted notice."))
    received_on = _date(
        label=_("Received on, if known"),
        required=False,
        help_text=_("Leave blank to use the deemed date of receipt."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("delivery") == rules.Delivery.POST and not (
            data.get("posted_on") or data.get("received_on")
        ):
            self.add_error("posted_on", _("Give the posting date, or the date it was received."))
        return data


class PaymentForm(Form):
    paid_on = _date(label=_("Paid on"))
    amount = forms.DecimalField(
        label=_("Amount paid (£)"), min_value=Decimal("0.01"), max_digits=7, decimal_places=2
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("amount") is not None:
            data["amount_pence"] = int(data["amount"] * 100)
        return data


class WithdrawForm(Form):
    ground = forms.ChoiceField(
        label=_("Ground"), choices=WithdrawalGround.choices, widget=forms.RadioSelect
    )
    withdrawn_on = _date(label=_("Withdrawn on"))
    note = _text(_("Reason"))


class ProsecuteForm(Form):
    on = _date(label=_("Referred for prosecution on"))
    note = _text(_("Note"), required=False)


class ProsecutionOutcomeForm(Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ProsecutionOutcome.choices, widget=forms.RadioSelect
    )
    note = _text(_("Note"), required=False)


class AlternativeForm(Form):
    kind = forms.ChoiceField(
        label=_("Tool used instead"), choices=AlternativeKind.choices, widget=forms.RadioSelect
    )
    guardian = forms.ModelChoiceField(
        label=_("Parent"), queryset=Guardian.objects.none(), required=False, empty_label="—"
    )
    note = _text(_("What was decided and why"))

    def __init__(self, *args: Any, pupil: Pupil, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = parents_queryset(pupil)


# One entry per status value: notices to improve and penalty notices share some.
STATUSES = sorted(
    dict([*AlternativeKind.choices, *PNStatus.choices, *NTIStatus.choices]).items(),
    key=lambda c: str(c[1]),
)


class RegisterFilterForm(Form):
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All")), *TYPES.items()]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *STATUSES]
    )
    year_group = forms.ChoiceField(
        label=_("Year group"), required=False, choices=[("", _("All")), *YearGroup.choices]
    )
    start = _date(label=_("From"), required=False)
    end = _date(label=_("To"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("end", _("The end date must be on or after the start date."))
        return data
