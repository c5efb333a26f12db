"""Require a second factor from everyone whose roles can read personal data."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from barrio.accounts.permissions import needs_second_factor

#: Pages a signed-in user reaches before the second factor: to set it up or give it.
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/media/")
EXEMPT_ACCOUNT_PATHS = ("/accounts/sign-out/", "/accounts/two-factor/", "/accounts/password/")


class SecondFactorRequiredMiddleware:
    """Send a signed-in user who needs a second factor and has not given it to give it.

    Pages redirect to the set-up page (no device yet) or the verification page; the API
    answers 403 ``second_factor_required``. Personal API tokens, which such a user can only
    create after giving the second factor, are checked by the API itself, not here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not getattr(user, "is_verified", lambda: False)()
            and not self._exempt(request.path)
            and needs_second_factor(user)
        ):
            if request.path.startswith("/api/"):
                body = {
                    "code": "second_factor_required",
                    "message": _("Give your second factor (two-step verification) first."),
                    "errors": [],
                }
                return HttpResponse(json.dumps(body), status=403, content_type="application/json")
            has_device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()
            target = reverse(
                "accounts:two_factor_verify" if has_device else "accounts:two_factor_setup"
            )
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        if path.startswith("/accounts/"):
            return path.startswith(EXEMPT_ACCOUNT_PATHS) or path.startswith("/accounts/sign-in/")
        return path.startswith(EXEMPT_PREFIXES)
