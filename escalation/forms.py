"""Forms of the dashboard: flag-list filters, case decisions and support records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from escalation.dashboard.flags import SORTS, Filters, Flag
from escalation.dashboard.overview import COHORTS
from escalation.models import AttendanceContract, PupilNote, SupportPlan, ThresholdDecision
from escalation.prefill import KnownCount
from escalation.services.cases import ACCEPT, DECLINE, DEFER
from registers.models import YearGroup


def _date(**kwargs: Any) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d", **kwargs)


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class FlagFilterForm(forms.Form):
    year_group = forms.ChoiceField(
        label=_("Year group"), required=False, choices=[("", _("All")), *YearGroup.choices]
    )
    registration_group = forms.ChoiceField(label=_("Registration group"), required=False)
    cohorts = forms.MultipleChoiceField(
        label=_("Only pupils who are"),
        required=False,
        choices=[(key, label) for key, label, _where in COHORTS],
        widget=forms.CheckboxSelectMultiple,
    )
    stage = forms.TypedChoiceField(
        label=_("Case stage"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any")), ("0", _("No case")), *[(str(n), str(n)) for n in range(1, 5)]],
    )
    n = forms.IntegerField(label="N", required=False, min_value=0, max_value=200)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args: Any, groups: list[str], flag: Flag, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.flag = flag
        self.fields["registration_group"].choices = [("", _("All")), *[(g, g) for g in groups]]
        self.fields["sort"].choices = [("", _("Default")), *[(k, v[0]) for k, v in SORTS.items()]]
        if flag.n_label:
            self.fields["n"].label = flag.n_label
            self.fields["n"].widget.attrs["placeholder"] = str(flag.n_default)
        else:
            del self.fields["n"]

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            year_group=data["year_group"],
            registration_group=data["registration_group"],
            cohorts=tuple(data["cohorts"]),
            stage=data["stage"],
        )

    def number(self) -> int:
        value = self.cleaned_data.get("n")
        return self.flag.n_default if value is None else value


class CaseDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept")), (DEFER, _("Defer")), (DECLINE, _("Decline"))],
        widget=forms.RadioSelect,
    )
    until = forms.DateField(
        label=_("Defer until"), required=False, widget=_date(), help_text=_("Only to defer.")
    )
    note = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=_text(),
        help_text=_("Needed to decline; recorded with every decision."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class _RecordForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)


class ThresholdDecisionForm(_RecordForm):
    def __init__(self, *args, known_prior_notices: KnownCount | None = None, **kwargs) -> None:
        """`known_prior_notices`: the count the register of legal interventions holds,
        offered as the answer (staff may still correct it) and explained."""
        super().__init__(*args, **kwargs)
        if known_prior_notices is not None:
            field = self.fields["prior_notices_3_years"]
            field.initial = known_prior_notices.value
            field.help_text = f"{known_prior_notices.explanation} {field.help_text}"

    class Meta:
        model = ThresholdDecision
        fields = [
            "support_appropriate", "sufficient_support_provided", "support_offered",
            "penalty_best_tool", "equality_considerations", "prior_notices_3_years",
            "public_interest", "outcome", "rationale",
        ]  # fmt: skip
        labels = {
            "support_appropriate": _("Is support appropriate? (not, e.g., for a term-time holiday)"),
            "sufficient_support_provided": _("Has sufficient support already been provided?"),
            "support_offered": _("Support offered so far, and whether it was engaged with"),
            "penalty_best_tool": _("Is a penalty notice the best tool to change parental behaviour?"),
            "equality_considerations": _("Equality Act 2010 considerations"),
            "prior_notices_3_years": _("Penalty notices for this child to this parent in the last 3 years"),
            "public_interest": _("Public interest (for the local authority)"),
            "outcome": _("Decision"),
            "rationale": _("Rationale"),
        }  # fmt: skip
        help_texts = {
            "prior_notices_3_years": _("With 2 already, a penalty notice cannot be issued."),
            "rationale": _("Why this decision, in words the family and the LA can follow."),
        }
        widgets = {
            "support_appropriate": forms.RadioSelect,
            "sufficient_support_provided": forms.RadioSelect,
            "penalty_best_tool": forms.RadioSelect,
            "outcome": forms.RadioSelect,
        }


class SupportPlanForm(_RecordForm):
    class Meta:
        model = SupportPlan
        fields = [
            "meeting_date", "attendees", "data_analysis", "push_factors", "pull_factors",
            "who_could_help", "early_help", "early_help_meeting_on", "school_actions",
            "parent_actions", "professional_actions", "pupil_actions", "targets",
            "start_date", "review_date",
        ]  # fmt: skip
        widgets = {
            "meeting_date": _date(),
            "early_help_meeting_on": _date(),
            "start_date": _date(),
            "review_date": _date(),
        }


class AttendanceContractForm(_RecordForm):
    class Meta:
        model = AttendanceContract
        fields = [
            "meeting_at", "venue", "parent_names", "present", "needs_discussed",
            "actions_agreed", "attendance_target", "timescale", "review_date",
        ]  # fmt: skip
        labels = {
            "meeting_at": _("Date and time of meeting"),
            "parent_names": _("Parent or carers"),
        }
        help_texts = {
            "attendance_target": _(
                "Set together in clear terms, e.g. at least 9 of 10 sessions each week; "
                "not an overall percentage."
            )
        }
        widgets = {
            "meeting_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "review_date": _date(),
        }


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=_date())
    review_notes = forms.CharField(label=_("Review meeting notes"), widget=_text(4))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PupilNoteForm(_RecordForm):
    class Meta:
        model = PupilNote
        fields = ["kind", "occurred_on", "with_whom", "body"]
        labels = {"kind": _("Kind"), "occurred_on": _("Date"), "with_whom": _("With whom")}
        widgets = {"occurred_on": _date()}
