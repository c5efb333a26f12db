"""Read queries of programmes, organisations and tokens."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from barrio.accounts.models import ApiToken, Programme
from barrio.errors import NotFound


def programme_list_for_user(user: User | AnonymousUser) -> QuerySet[Programme]:
    """Return the programmes ``user`` may see: the public ones, and all for administrators.

    Scoped roles (programme, municipality, unit) will widen this for the people they name.
    """
    programmes = Programme.objects.all()
    if not getattr(user, "is_superuser", False):
        programmes = programmes.filter(is_public=True)
    return programmes.order_by("name")


def programme_get_for_user(*, user: User | AnonymousUser, slug: str) -> Programme:
    """Return the programme ``slug`` if ``user`` may see it; raise :class:`NotFound` else."""
    programme = programme_list_for_user(user).filter(slug=slug).first()
    if programme is None:
        raise NotFound()
    return programme


def api_token_list_for_user(user: User | AnonymousUser) -> QuerySet[ApiToken]:
    """Return ``user``'s own API tokens, newest first (never anybody else's)."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at")


def programme_exists(*, slug: str) -> bool:
    """Tell whether a programme with this short name exists (for set-up commands)."""
    return Programme.objects.filter(slug=slug).exists()
