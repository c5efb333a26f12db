"""What the planning services share: the permission check and the candidate units."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from barrio.accounts.permissions import Action, may
from barrio.errors import FieldError, NotAuthenticated, PermissionDenied
from barrio.territories.selectors import unit_list

if TYPE_CHECKING:
    from barrio.accounts.models import Programme


def require(actor: User | AnonymousUser, action: Action, programme: Programme) -> None:
    """Raise unless ``actor`` may take ``action`` over the whole of ``programme``."""
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if not may(actor, action, programme=programme):
        raise PermissionDenied()


def candidate_units(programme: Programme, level: str) -> QuerySet[Any]:
    """The units of ``level`` inside the programme's territory, by code."""
    return unit_list(within=programme.units.all()).filter(level=level).order_by("code")


def no_units_error(loc: tuple[str, ...], level: str) -> FieldError:
    """The error for a level with no unit in the programme's territory."""
    return FieldError(
        loc, _("The programme's territory has no unit of level %(level)s.") % {"level": level}
    )
