"""What the participation services share: who is acting, and the errors they collect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User

from barrio.accounts.permissions import Action, may
from barrio.errors import FieldError, NotAuthenticated, PermissionDenied, ValidationFailed

if TYPE_CHECKING:
    from barrio.accounts.models import Programme


def require_signed_in(actor: User | AnonymousUser) -> User:
    """Return ``actor`` as a user, or raise :class:`NotAuthenticated`."""
    if not actor.is_authenticated:
        raise NotAuthenticated()
    assert isinstance(actor, User)
    return actor


def require_manager(actor: User | AnonymousUser, programme: Programme) -> User:
    """Raise unless ``actor`` may manage the calls of the whole ``programme``."""
    user = require_signed_in(actor)
    if not may(user, Action.CALL_MANAGE, programme=programme):
        raise PermissionDenied()
    return user


def loc(*parts: str | int) -> tuple[str | int, ...]:
    """The place of a body field in the API's error shape: ``("body", ...)``."""
    return ("body", *parts)


def raise_if(errors: list[FieldError]) -> None:
    """Raise :class:`ValidationFailed` with ``errors`` when there are any."""
    if errors:
        raise ValidationFailed(errors=errors)
