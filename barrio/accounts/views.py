"""Pages of accounts: sign-in, sign-out and the programme switcher."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from barrio.accounts.context_processors import SESSION_KEY
from barrio.accounts.forms import SignInForm
from barrio.accounts.selectors import programme_get_for_user
from barrio.errors import NotFound


class SignInView(auth_views.LoginView):
    """Sign in with e-mail and password."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Sign out (a POST from the header's button)."""


@require_POST
def programme_switch(request: HttpRequest) -> HttpResponse:
    """Remember the programme chosen in the header's switcher, and go back where we were."""
    slug = request.POST.get("programme", "")
    try:
        programme = programme_get_for_user(user=request.user, slug=slug)
    except NotFound:
        programme = None
    if programme is not None:
        request.session[SESSION_KEY] = programme.slug
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:home")
    return HttpResponseRedirect(target)
