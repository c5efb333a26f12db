"""Forms of accounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from barrio.accounts.models import ApiToken, Role


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


class OtpCodeForm(forms.Form):
    """The six-digit code of an authenticator app."""

    code = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits your app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ProfileForm(forms.Form):
    """A user's own contact details."""

    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TokenForm(forms.Form):
    """A new personal API token."""

    name = forms.CharField(label=_("Token name"), max_length=100)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)
    scope = forms.ChoiceField(
        label=_("May"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ
    )


class InviteForm(forms.Form):
    """Invite a person and give them a role in the programme."""

    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("Given names"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family names"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = forms.TypedChoiceField(
        label=_("Within"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Leave empty for the whole programme."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("The whole programme")), *units]  # type: ignore[attr-defined]
        self.fields["expires_on"].initial = dt.date.today() + dt.timedelta(days=365)


class ExpiryForm(forms.Form):
    """A new end date for a role."""

    expires_on = forms.DateField(
        label=_("Expires on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class AuditExportForm(forms.Form):
    """Why the audit log is exported (asked for every bulk export)."""

    reason = forms.CharField(label=_("Reason for the export"), min_length=10, max_length=300)
