"""Services that change accounts, programmes and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barrio.accounts.models import ApiToken, Organisation, Programme
from barrio.errors import FieldError, NotAuthenticated, NotFound, ValidationFailed

TOKEN_PREFIX = "barrio_"  # noqa: S105 (a public marker, not a secret)
#: The longest life a personal API token may have.
TOKEN_MAX_DAYS = 366


def token_digest(token: str) -> str:
    """Return the SHA-256 digest under which a token is stored (tokens are random, no salt)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User | AnonymousUser, name: str, days: int) -> tuple[ApiToken, str]:
    """Create a personal API token for ``actor`` valid for ``days`` days.

    Returns the stored token and its plain value, which is shown once and never stored.
    Raises :class:`NotAuthenticated` for an anonymous actor and :class:`ValidationFailed`
    for an empty name or a life outside 1..366 days.
    """
    if not actor.is_authenticated:
        raise NotAuthenticated()
    errors = []
    name = name.strip()
    if not name:
        errors.append(FieldError(("body", "name"), _("Give the token a name.")))
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


def api_token_authenticate(*, plain: str) -> User | None:
    """Return the active user a token belongs to, or ``None`` for any unusable token.

    An unknown, revoked or expired token, or the token of an inactive user, gives ``None``;
    the caller answers 401 without saying which, so tokens cannot be probed.
    """
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(plain)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
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
