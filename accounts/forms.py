"""Forms for two-factor sign-in: a code, and the password that confirms turning it off."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A code from the authenticator app or, where `recovery` is on, a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=24,
        error_messages={"required": _("Enter the code.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args: Any, recovery: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        if recovery:
            field.label = _("Code from your authenticator app, or a recovery code")
            field.help_text = _(
                "Six digits from the app, or one of your 8-character recovery codes."
            )
        else:
            field.label = _("Code from your authenticator app")
            field.help_text = _("The six digits the app shows now.")
            field.widget.attrs["inputmode"] = "numeric"


class PasswordConfirmForm(forms.Form):
    """The person's own password. It is checked through `authenticate`, so wrong ones count
    towards django-axes' lockout just as they do on the sign-in page."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        error_messages={"required": _("Enter your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        user = self.request.user
        checked = authenticate(self.request, username=user.get_username(), password=password)
        if checked is None or checked.pk != user.pk:
            raise forms.ValidationError(_("That is not your password."))
        return password
