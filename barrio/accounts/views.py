"""Pages of accounts: sign-in and two-step verification, profile, programmes, roles, audit."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

import segno
from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from barrio.accounts import selectors, services
from barrio.accounts.audit import (
    Channel,
    access_denied_record,
    audit_personal_data_read,
    describe_changes,
)
from barrio.accounts.context_processors import SESSION_KEY
from barrio.accounts.forms import (
    AuditExportForm,
    ExpiryForm,
    InviteForm,
    OtpCodeForm,
    ProfileForm,
    SignInForm,
    TokenForm,
)
from barrio.accounts.models import Programme
from barrio.accounts.permissions import Action, may, scope
from barrio.errors import BarrioError, NotFound, PermissionDenied


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _programme_or_404(request: HttpRequest, slug: str) -> Programme:
    try:
        return selectors.programme_get_for_user(user=request.user, slug=slug)
    except NotFound as error:
        raise Http404 from error


def _show_errors(request: HttpRequest, error: BarrioError) -> None:
    messages.error(request, str(error.message))
    for field_error in error.errors:
        messages.error(request, str(field_error.msg))


class SignInView(auth_views.LoginView):
    """Sign in with e-mail and password (the second factor follows, where required)."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Sign out (a POST from the header's button)."""


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Choose a password from the link of an invitation or of a password reset."""

    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your password is set. You can sign in now."))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a link to choose a new password, sent by e-mail."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), then give a code."""
    device = TOTPDevice.objects.filter(user_id=request.user.pk, confirmed=True).first()
    if device is not None and request.user.is_verified():  # type: ignore[union-attr]
        return redirect("accounts:profile")
    if device is not None:
        return redirect(
            f"{reverse('accounts:two_factor_verify')}?next={request.GET.get('next', '')}"
        )
    device = TOTPDevice.objects.filter(user_id=request.user.pk, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Two-step verification is on."))
            return HttpResponseRedirect(_safe_next(request, reverse("accounts:profile")))
        form.add_error("code", _("This code is not right or has expired; try the current one."))
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("QR code"))
    key = _group(device.bin_key)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr": mark_safe(qr), "key": key, "next": request.GET.get("next", "")},  # noqa: S308 (segno's own SVG)
    )


def _group(secret: bytes) -> str:
    from base64 import b32encode

    text = b32encode(secret).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Give the code of the authenticator app after signing in."""
    device = TOTPDevice.objects.filter(user_id=request.user.pk, confirmed=True).first()
    if device is None:
        return redirect("accounts:two_factor_setup")
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            otp_login(request, device)
            return HttpResponseRedirect(_safe_next(request, reverse("portal:home")))
        form.add_error("code", _("This code is not right or has expired; try the current one."))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The user's own page: details, roles, contact data (encrypted) and API tokens."""
    own = selectors.profile_get(user=request.user)
    form = ProfileForm(
        request.POST or None,
        initial={"phone": own.phone if own else "", "notes": own.notes if own else ""},
    )
    if request.method == "POST" and form.is_valid():
        services.profile_update(
            actor=request.user,
            phone=form.cleaned_data["phone"],
            notes=form.cleaned_data["notes"],
            organisation=own.organisation if own else None,
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    if own is not None:
        audit_personal_data_read(actor=request.user, objects=[own], channel=Channel.PAGE)
    context = {
        "form": form,
        "token_form": TokenForm(),
        "grants": selectors.grant_list_for_self(user=request.user),
        "tokens": selectors.api_token_list_for_user(request.user),
        "new_token": request.session.pop("barrio_new_token", None),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Create a personal API token; it is shown once, on the next page."""
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, plain = services.api_token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                scope=form.cleaned_data["scope"],
                second_factor=request.user.is_verified(),  # type: ignore[union-attr]
            )
        except BarrioError as error:
            _show_errors(request, error)
        else:
            request.session["barrio_new_token"] = plain
    else:
        messages.error(request, _("Give the token a name and a life of 1 to 366 days."))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's tokens."""
    try:
        services.api_token_revoke(actor=request.user, token_id=token_id)
    except BarrioError as error:
        raise Http404 from error
    messages.success(request, _("The token is revoked."))
    return redirect("accounts:profile")


@require_POST
def programme_switch(request: HttpRequest) -> HttpResponse:
    """Remember the programme chosen in the header's switcher, and go back where we were."""
    try:
        programme = selectors.programme_get_for_user(
            user=request.user, slug=request.POST.get("programme", "")
        )
    except NotFound:
        programme = None
    if programme is not None:
        request.session[SESSION_KEY] = programme.slug
    return HttpResponseRedirect(_safe_next(request, reverse("portal:home")))


def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A programme: what it is, who takes part, and what the visitor may do in it."""
    programme = _programme_or_404(request, slug)
    context = {
        "programme": programme,
        "organisations": selectors.organisation_list_for_programme(programme),
        "my_grants": [
            g
            for g in selectors.grant_list_for_self(user=request.user)
            if g.programme_id == programme.pk
        ],
        "may_manage_roles": may(request.user, Action.ROLE_MANAGE, programme=programme),
        # The other apps' pages, linked by URL name only (accounts imports none of them).
        "may_see": {
            action.name.lower(): not scope(request.user, action, programme).is_empty
            for action in (
                Action.REGISTRY_DASHBOARD,
                Action.GRIEVANCE_VIEW,
                Action.CASH_VIEW,
                Action.PROPOSAL_REVIEW,
            )
        },
        "may_view_roles": scope(request.user, Action.ROLE_VIEW, programme).everywhere,
        "may_view_audit": scope(request.user, Action.AUDIT_VIEW, programme).everywhere,
    }
    return render(request, "accounts/programme_detail.html", context)


def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """An organisation: what kind it is and the programmes it takes part in."""
    try:
        organisation, programmes = selectors.organisation_get_for_user(
            user=request.user, organisation_id=organisation_id
        )
    except NotFound as error:
        raise Http404 from error
    return render(
        request,
        "accounts/organisation_detail.html",
        {"organisation": organisation, "organisation_programmes": programmes},
    )


@login_required
def role_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The people and roles of a programme, with search; managers also invite and revoke."""
    programme = _programme_or_404(request, slug)
    if not scope(request.user, Action.ROLE_VIEW, programme).everywhere:
        raise DjangoPermissionDenied
    may_manage = may(request.user, Action.ROLE_MANAGE, programme=programme)
    units = [
        (u.pk, f"{u.name} ({u.level})")
        for u in selectors.unit_list_for_user(user=request.user, programme=programme)
    ]
    form = InviteForm(request.POST or None, units=units)
    if request.method == "POST":
        if not may_manage:
            raise DjangoPermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                unit = selectors.unit_in_programme(programme=programme, unit_id=data["unit"])
                services.user_invite(
                    actor=request.user,
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    role=data["role"],
                    programme=programme,
                    unit=unit,
                    expires_on=data["expires_on"],
                    set_password_url=lambda user: request.build_absolute_uri(
                        reverse(
                            "accounts:set_password",
                            args=[
                                urlsafe_base64_encode(force_bytes(user.pk)),
                                default_token_generator.make_token(user),
                            ],
                        )
                    ),
                )
            except BarrioError as error:
                _show_errors(request, error)
            else:
                messages.success(
                    request,
                    _("%(email)s has the role now and was told by e-mail.")
                    % {"email": data["email"]},
                )
                return redirect("accounts:roles", slug=programme.slug)
    search = request.GET.get("q", "").strip()[:100]
    grants = selectors.grant_list_for_user(user=request.user, programme=programme, search=search)
    page = Paginator(grants, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/role_list.html",
        {
            "programme": programme,
            "page": page,
            "q": search,
            "form": form,
            "may_manage": may_manage,
            "expiry_form": ExpiryForm(),
        },
    )


@login_required
@require_POST
def role_revoke(request: HttpRequest, slug: str, grant_id: int) -> HttpResponse:
    """Revoke a role at once."""
    try:
        grant = selectors.grant_get_for_user(user=request.user, grant_id=grant_id)
        services.role_revoke(actor=request.user, grant=grant)
    except NotFound as error:
        raise Http404 from error
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except BarrioError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("The role is revoked."))
    return redirect("accounts:roles", slug=slug)


@login_required
@require_POST
def role_expiry(request: HttpRequest, slug: str, grant_id: int) -> HttpResponse:
    """Move the end date of a role."""
    form = ExpiryForm(request.POST)
    try:
        grant = selectors.grant_get_for_user(user=request.user, grant_id=grant_id)
        if not form.is_valid():
            messages.error(request, _("Enter a valid date."))
        else:
            services.role_change_expiry(
                actor=request.user, grant=grant, expires_on=form.cleaned_data["expires_on"]
            )
            messages.success(request, _("The role's end date is changed."))
    except NotFound as error:
        raise Http404 from error
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except BarrioError as error:
        _show_errors(request, error)
    return redirect("accounts:roles", slug=slug)


ACTION_FILTERS = {
    "create": LogEntry.Action.CREATE,
    "update": LogEntry.Action.UPDATE,
    "delete": LogEntry.Action.DELETE,
    "access": LogEntry.Action.ACCESS,
}


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    """The audit log of a programme, for its auditors: filter, read, export with a reason."""
    programme = _programme_or_404(request, slug)
    if not scope(request.user, Action.AUDIT_VIEW, programme).everywhere:
        raise DjangoPermissionDenied
    action_name = request.GET.get("action", "")
    actor = request.GET.get("actor", "").strip()[:200]
    entries = selectors.audit_log_for_user(
        user=request.user,
        programme=programme,
        action=ACTION_FILTERS.get(action_name),
        actor_email=actor,
    )
    export_form = AuditExportForm(request.POST or None)
    if request.method == "POST" and export_form.is_valid():
        audit_personal_data_read(
            actor=request.user,
            objects=[programme],
            channel=Channel.EXPORT,
            programme=programme,
            reason=export_form.cleaned_data["reason"],
        )
        return _audit_csv(programme, entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.described = describe_changes(entry)
    return render(
        request,
        "accounts/audit_log.html",
        {
            "programme": programme,
            "page": page,
            "action": action_name,
            "actor": actor,
            "actions": ACTION_FILTERS,
            "export_form": export_form,
        },
    )


def _audit_csv(programme: Programme, entries: Any) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"audit-{programme.slug}-{dt.date.today().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(
        ["timestamp", "actor", "action", "object", "object_id", "channel", "reason", "changes"]
    )
    for entry in entries.iterator():
        data = entry.additional_data or {}
        writer.writerow(
            [
                entry.timestamp.isoformat(),
                entry.actor.email if entry.actor else "",
                entry.get_action_display(),
                entry.content_type.model,
                entry.object_pk,
                data.get("channel", ""),
                data.get("reason", ""),
                describe_changes(entry),
            ]
        )
    return response


def _record_refusal(request: HttpRequest, status: int, code: str) -> None:
    access_denied_record(
        user=getattr(request, "user", None),
        method=request.method or "",
        path=request.path,
        status=status,
        code=code,
        remote_addr=request.META.get("REMOTE_ADDR"),
        credentials_given=False,
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page; the refusal is recorded for a signed-in user."""
    _record_refusal(request, 403, "permission_denied")
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page; recorded for a signed-in user (who may be guessing ids)."""
    _record_refusal(request, 404, "not_found")
    return defaults.page_not_found(request, exception)
