"""A school's own settings, edited by its headteacher."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from registers.models import School
from registers.models.schools import MAX_REGISTER_OPEN_MINUTES

_AT_MOST = format_lazy(_("At most {max} minutes after it opens."), max=MAX_REGISTER_OPEN_MINUTES)


def _time_widget() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class RegisterTimesForm(forms.ModelForm):
    """Register opening and closing times; `School.clean` enforces the spec's limits."""

    class Meta:
        model = School
        fields = ["am_opens", "am_closes", "pm_opens", "pm_closes"]
        widgets = {name: _time_widget() for name in fields}
        help_texts = {
            "am_closes": _AT_MOST,
            "pm_opens": _("After the morning register closes."),
            "pm_closes": _AT_MOST,
        }
        error_messages = {
            name: {"invalid": _("Enter a time, for example 08:45."), "required": _("Enter a time.")}
            for name in fields
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
