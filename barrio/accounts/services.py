"""Services that change accounts, programmes and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barrio.accounts.models import ApiToken, Organisation, Profile, Programme, Role, RoleGrant
from barrio.accounts.permissions import Action, may, needs_second_factor
from barrio.errors import (
    Conflict,
    FieldError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)

if TYPE_CHECKING:
    from barrio.territories.models import TerritorialUnit

TOKEN_PREFIX = "barrio_"  # noqa: S105 (a public marker, not a secret)
#: The longest life a personal API token may have.
TOKEN_MAX_DAYS = 366
#: The longest a role may be granted for before it must be renewed.
GRANT_MAX_DAYS = 731
UNIT_OUTSIDE_PROGRAMME = _("This unit is outside the programme's territory.")


def token_digest(token: str) -> str:
    """Return the SHA-256 digest under which a token is stored (tokens are random, no salt)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    actor: User | AnonymousUser,
    name: str,
    days: int,
    scope: str = ApiToken.Scope.READ,
    second_factor: bool = False,
) -> tuple[ApiToken, str]:
    """Create a personal API token for ``actor`` valid for ``days`` days.

    ``second_factor`` tells whether the actor gave a second factor in this session (or used
    a token made after one). Returns the stored token and its plain value, which is shown
    once and never stored. Raises :class:`NotAuthenticated` for an anonymous actor,
    :class:`PermissionDenied` (``second_factor_required``) when the actor's roles need a
    second factor they did not give, and :class:`ValidationFailed` for an empty name or a
    life outside 1..366 days.
    """
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if needs_second_factor(actor) and not second_factor:
        raise PermissionDenied(
            _("Give your second factor (two-step verification) first."),
            code="second_factor_required",
        )
    errors = []
    name = name.strip()
    if not name:
        errors.append(FieldError(("body", "name"), _("Give the token a name.")))
    if scope not in ApiToken.Scope.values:
        errors.append(FieldError(("body", "scope"), _("A token reads only, or reads and writes.")))
    if not 1 <= days <= TOKEN_MAX_DAYS:
        errors.append(
            FieldError(
                ("body", "days"),
                _("A token lives between 1 and %(max)s days.") % {"max": TOKEN_MAX_DAYS},
            )
        )
    if errors:
        raise ValidationFailed(errors=errors)
    prefix = secrets.token_hex(4)
    plain = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=actor,
        name=name[:100],
        prefix=prefix,
        digest=token_digest(plain),
        expires_at=timezone.now() + dt.timedelta(days=days),
        scope=scope,
        second_factor=second_factor,
    )
    return token, plain


@transaction.atomic
def api_token_revoke(*, actor: User | AnonymousUser, token_id: int) -> ApiToken:
    """Revoke one of ``actor``'s tokens; revoking it twice is harmless.

    Raises :class:`NotFound` when the token does not exist or belongs to someone else.
    """
    if not actor.is_authenticated:
        raise NotAuthenticated()
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user_id=actor.pk).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(*, plain: str, writes: bool) -> User | None:
    """Return the active user a token belongs to, or ``None`` for any unusable token.

    An unknown, revoked or expired token, or the token of an inactive user, gives ``None``;
    the caller answers 401 without saying which, so tokens cannot be probed. A read-only
    token used for a request that ``writes`` raises :class:`PermissionDenied`
    (``token_read_only``).
    """
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(plain)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    if not token.second_factor and needs_second_factor(token.user):
        return None
    if writes and token.scope != ApiToken.Scope.WRITE:
        raise PermissionDenied(
            _("This token may only read; create a token that may write."), code="token_read_only"
        )
    now = timezone.now()
    # Writing on every request would serialise SQLite; once a minute is precise enough.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def programme_create(*, slug: str, name: str, **fields: Any) -> Programme:
    """Create a programme, or update the one with this ``slug`` with the given fields.

    Used by set-up commands (the demo); the pages for programme managers arrive with the
    scoped roles.
    """
    programme, _created = Programme.objects.update_or_create(
        slug=slug, defaults={"name": name, **fields}
    )
    return programme


@transaction.atomic
def organisation_create(
    *, name: str, kind: str, country: str, programmes: list[Programme]
) -> Organisation:
    """Create an organisation (or find it by name and country) taking part in programmes."""
    organisation, _created = Organisation.objects.get_or_create(
        name=name, country=country, defaults={"kind": kind}
    )
    organisation.programmes.add(*programmes)
    return organisation


@transaction.atomic
def user_create(
    *, email: str, password: str, first_name: str = "", last_name: str = "", is_staff: bool = False
) -> User:
    """Create a user who signs in with ``email``; an existing one is returned unchanged."""
    user_model = get_user_model()
    email = email.strip().lower()
    user = user_model.objects.filter(username=email).first()
    if user is not None:
        return user
    user = user_model.objects.create_user(
        username=email,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        is_staff=is_staff,
    )
    return user


def _require(
    actor: User | AnonymousUser,
    action: Action,
    programme: Programme,
    unit: TerritorialUnit | None = None,
) -> None:
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if not may(actor, action, programme=programme, unit=unit):
        raise PermissionDenied()


def _check_unit_in_programme(
    programme: Programme, unit: TerritorialUnit | None
) -> list[FieldError]:
    if unit is None:
        return []
    if not any(area.contains(unit) for area in programme.units.all()):
        return [FieldError(("body", "unit"), UNIT_OUTSIDE_PROGRAMME)]
    return []


@transaction.atomic
def role_grant(
    *,
    actor: User | AnonymousUser,
    user: User,
    role: str,
    programme: Programme,
    unit: TerritorialUnit | None,
    expires_on: dt.date,
) -> RoleGrant:
    """Grant ``role`` to ``user`` in ``programme`` (within ``unit``, or everywhere) until a date.

    Only a programme manager of the whole programme grants roles. Raises
    :class:`PermissionDenied`, or :class:`ValidationFailed` for an unknown role, a unit
    outside the programme, an expiry in the past or more than two years ahead.
    """
    _require(actor, Action.ROLE_MANAGE, programme)
    errors = []
    if role not in Role.values:
        errors.append(FieldError(("body", "role"), _("Unknown role.")))
    errors += _check_unit_in_programme(programme, unit)
    errors += _check_expiry(expires_on)
    if errors:
        raise ValidationFailed(errors=errors)
    return RoleGrant.objects.create(
        user=user,
        role=role,
        programme=programme,
        unit=unit,
        expires_on=expires_on,
        granted_by=actor if isinstance(actor, User) else None,
    )


def _check_expiry(expires_on: dt.date) -> list[FieldError]:
    today = dt.date.today()
    if not today <= expires_on <= today + dt.timedelta(days=GRANT_MAX_DAYS):
        return [
            FieldError(
                ("body", "expires_on"),
                _("A role expires between today and %(days)s days from now.")
                % {"days": GRANT_MAX_DAYS},
            )
        ]
    return []


@transaction.atomic
def role_change_expiry(
    *, actor: User | AnonymousUser, grant: RoleGrant, expires_on: dt.date
) -> RoleGrant:
    """Move the end of a grant in force; raises :class:`Conflict` for a revoked grant."""
    _require(actor, Action.ROLE_MANAGE, grant.programme)
    if grant.revoked_at is not None:
        raise Conflict(_("This role was revoked; grant it again instead."))
    errors = _check_expiry(expires_on)
    if errors:
        raise ValidationFailed(errors=errors)
    grant.expires_on = expires_on
    grant.save(update_fields=["expires_on", "updated_at"])
    return grant


@transaction.atomic
def role_revoke(*, actor: User | AnonymousUser, grant: RoleGrant) -> RoleGrant:
    """Revoke a grant at once; revoking it twice is harmless."""
    _require(actor, Action.ROLE_MANAGE, grant.programme)
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at", "updated_at"])
    return grant


@transaction.atomic
def user_invite(
    *,
    actor: User | AnonymousUser,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    programme: Programme,
    unit: TerritorialUnit | None,
    expires_on: dt.date,
    set_password_url: Callable[[User], str],
) -> RoleGrant:
    """Invite a person by e-mail: their account (if new), their role, and a link to set a
    password, sent by e-mail. An existing user just receives the role.

    ``set_password_url`` builds the absolute link for a user (the view knows the host).
    Raises what :func:`role_grant` raises, and :class:`ValidationFailed` for a bad address.
    """
    _require(actor, Action.USER_INVITE, programme)
    email = email.strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError as error:
        raise ValidationFailed(
            errors=[FieldError(("body", "email"), _("Enter a valid e-mail address."))]
        ) from error
    user_model = get_user_model()
    user = user_model.objects.filter(username=email).first()
    is_new = user is None
    if user is None:
        user = user_model.objects.create_user(
            username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip()
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
    grant = role_grant(
        actor=actor, user=user, role=role, programme=programme, unit=unit, expires_on=expires_on
    )
    context = {
        "programme": programme.name,
        "role": grant.get_role_display(),
        "link": set_password_url(user) if is_new else "",
    }
    subject = _("Barrio: you have a role in %(programme)s") % {"programme": programme.name}
    if is_new:
        body = (
            _(
                "You have been given the role %(role)s in %(programme)s. "
                "Choose your password here: %(link)s"
            )
            % context
        )
    else:
        body = _("You have been given the role %(role)s in %(programme)s.") % context
    transaction.on_commit(lambda: send_mail(str(subject), str(body), None, [email]))
    return grant


@transaction.atomic
def profile_update(
    *, actor: User | AnonymousUser, phone: str, notes: str, organisation: Organisation | None
) -> Profile:
    """Change the actor's own profile (stored encrypted)."""
    if not actor.is_authenticated:
        raise NotAuthenticated()
    profile, _created = Profile.objects.get_or_create(user=actor)
    profile.phone = phone.strip()
    profile.notes = notes.strip()
    profile.organisation = organisation
    profile.save()
    return profile


@transaction.atomic
def programme_set_units(*, programme: Programme, units: list[TerritorialUnit]) -> Programme:
    """Set the territory of a programme: the widest units it covers (set-up commands)."""
    programme.units.set(units)
    return programme
