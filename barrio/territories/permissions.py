"""Who may change the catalogue of units and indicators that every programme shares.

Programmes read the catalogue through their own scopes (``barrio.accounts.permissions``);
changing it — importing units and values, defining indices, choosing the unit a name means —
is for administrators (active staff users) only.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from barrio.errors import NotAuthenticated, PermissionDenied


def may_manage_catalogue(user: User | AnonymousUser) -> bool:
    """Tell whether ``user`` may change the shared catalogue (an active administrator)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def require_catalogue_manager(user: User | AnonymousUser) -> User:
    """Return ``user`` if they may change the catalogue; raise otherwise.

    Raises :class:`NotAuthenticated` for an anonymous user and :class:`PermissionDenied` for
    anybody else who is not an administrator.
    """
    if not user.is_authenticated:
        raise NotAuthenticated()
    if not isinstance(user, User) or not may_manage_catalogue(user):
        raise PermissionDenied()
    return user
