"""Services that change territorial units."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from barrio.errors import FieldError, ValidationFailed
from barrio.territories.models import TerritorialUnit


@transaction.atomic
def unit_create(
    *,
    country: str,
    level: str,
    code: str,
    name: str,
    parent: TerritorialUnit | None = None,
    vintage: str = "",
) -> TerritorialUnit:
    """Create a territorial unit, or return the one with the same country, level, code, vintage.

    Raises :class:`ValidationFailed` for an empty code or name, a code with a slash (codes
    build the unit's path) or a parent in another country.
    """
    errors = []
    code, name = code.strip(), name.strip()
    if not code or "/" in code:
        errors.append(FieldError(("code",), _("A code is required and has no slash.")))
    if not name:
        errors.append(FieldError(("name",), _("A name is required.")))
    if parent is not None and parent.country != country:
        errors.append(FieldError(("parent",), _("A unit lies in the country of its parent.")))
    if errors:
        raise ValidationFailed(errors=errors)
    unit, _created = TerritorialUnit.objects.get_or_create(
        country=country,
        level=level,
        code=code,
        vintage=vintage,
        defaults={
            "name": name,
            "parent": parent,
            "path": (parent.path if parent else "") + code + "/",
        },
    )
    return unit
