"""Forms of accounts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """The sign-in form: an e-mail address (our usernames are e-mail addresses) and password."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "The e-mail address or the password is not right. The password is case-sensitive."
        ),
        "inactive": _("This account is inactive."),
    }

    def clean_username(self) -> Any:
        return self.cleaned_data["username"].strip().lower()
