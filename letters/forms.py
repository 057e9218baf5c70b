"""Forms of the letters app: labelled, validated, and free of business rules (the
services decide what may be written)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from letters import merge
from letters.kinds import LetterKind
from letters.models import LetterSettings
from letters.selectors import PUPIL_FILTERS
from registers.models import Guardian


class ExtraFieldsMixin(forms.Form):
    """The values only a person can give: meeting time and place, improvement period."""

    meeting_arrangements = forms.CharField(
        label=_("Meeting: when and where"),
        required=False,
        max_length=300,
        help_text=_(
            "For invitations and contracts, e.g. “on Tuesday 4 March 2025 at 9:00 in the "
            "school office”. Blank: we will agree a time by telephone."
        ),
    )
    improvement_start = forms.DateField(
        label=_("Improvement period starts"),
        required=False,
        help_text=_("Notice to improve only. Blank: the next school day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    improvement_end = forms.DateField(
        label=_("Improvement period ends"),
        required=False,
        help_text=_("Blank: after 6 school weeks."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    improvement_target = forms.CharField(
        label=_("What sufficient improvement looks like"),
        required=False,
        max_length=300,
        help_text=_("Notice to improve only. Blank: no unauthorised absence."),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("improvement_start"), data.get("improvement_end")
        if bool(start) != bool(end):
            raise forms.ValidationError(
                _("Give both the start and the end of the period, or neither.")
            )
        if start and end:
            days = (end - start).days
            if days < 14 or days > 7 * 6 + 28:
                raise forms.ValidationError(
                    _("The improvement period must be between 3 and 6 school weeks.")
                )
        return data

    def extra(self) -> dict[str, str]:
        from letters.services.generate import long_date

        data = self.cleaned_data
        values: dict[str, str] = {}
        if data.get("meeting_arrangements"):
            values["meeting_arrangements"] = data["meeting_arrangements"]
        if data.get("improvement_start") and data.get("improvement_end"):
            start, end = data["improvement_start"], data["improvement_end"]
            values["improvement_start"] = long_date(start)
            values["improvement_end"] = long_date(end)
            values["improvement_weeks"] = str(round((end - start).days / 7))
        if data.get("improvement_target"):
            values["improvement_target"] = data["improvement_target"]
        return values


class PupilLetterForm(ExtraFieldsMixin):
    kind = forms.ChoiceField(label=_("Letter"), choices=LetterKind.choices)
    guardians = forms.ModelMultipleChoiceField(
        label=_("Send to"),
        queryset=Guardian.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One letter for each person, to their own address."),
    )

    field_order = ["kind", "guardians"]

    def __init__(self, *args, guardians=(), **kwargs):
        super().__init__(*args, **kwargs)
        ids = [g.pk for g in guardians]
        self.fields["guardians"].queryset = Guardian.objects.filter(pk__in=ids)
        self.fields["guardians"].initial = ids
        # The leave outcome letter is written by the leave request's decision.
        self.fields["kind"].choices = [
            c for c in LetterKind.choices if c[0] != LetterKind.LEAVE_OUTCOME
        ]


class BatchForm(ExtraFieldsMixin):
    kind = forms.ChoiceField(
        label=_("Letter"),
        # The leave outcome letter is written by the leave request's decision.
        choices=[c for c in LetterKind.choices if c[0] != LetterKind.LEAVE_OUTCOME],
    )
    pupils = forms.ChoiceField(label=_("Pupils"), choices=list(PUPIL_FILTERS.items()))
    registration_group = forms.CharField(
        label=_("Registration group"),
        required=False,
        max_length=20,
        help_text=_("Only for “Everyone in a registration group”."),
    )

    field_order = ["kind", "pupils", "registration_group"]

    def clean(self):
        data = super().clean()
        if data.get("pupils") == "registration_group" and not data.get("registration_group"):
            self.add_error("registration_group", _("Enter the registration group."))
        return data


class TemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject line"), max_length=300)
    body = forms.CharField(
        label=_("Letter text"),
        widget=forms.Textarea(attrs={"rows": 22}),
        help_text=_(
            "A blank line starts a new paragraph; a line starting “- ” is a bullet. "
            "Merge fields are written {{ field_name }}, from the list."
        ),
    )

    def clean(self):
        data = super().clean()
        for name in ("subject", "body"):
            for problem in merge.text_errors(data.get(name) or ""):
                self.add_error(name, problem)
        return data


class LetterSettingsForm(forms.ModelForm):
    class Meta:
        model = LetterSettings
        fields = [
            "staff_contact_name",
            "staff_contact_position",
            "signatory_name",
            "signatory_position",
            "lateness_limit",
            "lateness_period",
        ]
