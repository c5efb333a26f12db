"""Join table rows to units by name within their parent, remembering people's choices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barrio.core.names.match import Candidate, match_names
from barrio.core.names.normalise import name_key
from barrio.errors import FieldError, ValidationFailed
from barrio.territories.models import TerritorialUnit, UnitNameChoice
from barrio.territories.permissions import require_catalogue_manager

__all__ = ["NamedRow", "RowMatch", "name_choice_set", "rows_match_units"]


@dataclass(frozen=True)
class NamedRow:
    """A table row that names its unit: its row number, its parent (code or name), its name."""

    row: int
    parent: str
    name: str


@dataclass(frozen=True)
class RowMatch:
    """How a row was joined: the unit (``None`` if unmatched), the stage and alternatives."""

    row: int
    parent: TerritorialUnit | None
    unit: TerritorialUnit | None
    kind: str
    alternatives: tuple[TerritorialUnit, ...] = ()


def _parents(country: str, level: str) -> dict[str, TerritorialUnit]:
    """The parents of the units of ``level``, by code and by normalised name."""
    parents = TerritorialUnit.objects.filter(
        pk__in=TerritorialUnit.objects.filter(country=country, level=level).values("parent_id")
    )
    found: dict[str, TerritorialUnit] = {}
    for parent in parents:
        found[parent.code] = parent
        found.setdefault(name_key(parent.name), parent)
    return found


def rows_match_units(
    *, country: str, level: str, rows: Sequence[NamedRow], source: str = ""
) -> list[RowMatch]:
    """Find the unit of ``level`` each row names, within the parent the row names.

    A row's parent is given by its code or its name. A person's earlier choice for the same
    name in the same parent wins (kind ``chosen``); otherwise
    :func:`barrio.core.names.match_names` decides, and its stage is the row's kind (exact,
    normalised, section, partial, compound, split, fuzzy, leftover; see
    ``barrio.core.names``). Each row that stays unmatched is recorded
    as a pending choice, with its best alternatives, for a person to resolve on the names
    page; that is the only write, and it happens even in a dry run.
    """
    parents = _parents(country, level)
    units = list(
        TerritorialUnit.objects.filter(country=country, level=level).select_related("parent")
    )
    by_pk = {str(u.pk): u for u in units}
    candidates = [Candidate(str(u.pk), str(u.parent_id or ""), u.name) for u in units]
    resolved_parent = [
        parents.get(row.parent.strip()) or parents.get(name_key(row.parent)) for row in rows
    ]
    choices = {
        (c.parent_id, c.name_key): c
        for c in UnitNameChoice.objects.filter(country=country, level=level).select_related("unit")
    }
    report = match_names(
        [(str(p.pk) if p else "", row.name) for p, row in zip(resolved_parent, rows, strict=True)],
        candidates,
    )
    results: list[RowMatch] = []
    pending: dict[tuple[int | None, str], tuple[NamedRow, TerritorialUnit | None]] = {}
    for row, parent, match in zip(rows, resolved_parent, report.matches, strict=True):
        key = (parent.pk if parent else None, name_key(row.name))
        choice = choices.get(key)
        if choice is not None and choice.unit is not None:
            results.append(RowMatch(row.row, parent, choice.unit, "chosen"))
        elif match.code is not None:
            results.append(RowMatch(row.row, parent, by_pk[match.code], match.kind))
        else:
            alternatives = tuple(by_pk[code] for code, _score in match.alternatives)
            results.append(RowMatch(row.row, parent, None, "unmatched", alternatives))
            if parent is not None and key not in choices:
                pending.setdefault(key, (row, parent))
    UnitNameChoice.objects.bulk_create(
        [
            UnitNameChoice(
                country=country,
                level=level,
                parent=parent,
                name=row.name[:200],
                name_key=key[1][:200],
                first_row=row.row,
                source=source[:200],
            )
            for key, (row, parent) in pending.items()
        ],
        ignore_conflicts=True,
    )
    return results


@transaction.atomic
def name_choice_set(
    *, actor: User | AnonymousUser, choice: UnitNameChoice, unit: TerritorialUnit | None
) -> UnitNameChoice:
    """Say which unit a name means (or forget the answer, with ``unit`` empty).

    The catalogue of units is shared by every programme, so only administrators choose.
    Raises :class:`PermissionDenied`, or :class:`ValidationFailed` for a unit of another
    level or outside the name's parent.
    """
    require_catalogue_manager(actor)
    if unit is not None and (
        unit.country != choice.country
        or unit.level != choice.level
        or (choice.parent is not None and not choice.parent.contains(unit))
    ):
        raise ValidationFailed(
            errors=[FieldError(("unit",), _("Choose a unit of this level inside this parent."))]
        )
    choice.unit = unit
    choice.chosen_by = actor if unit is not None and isinstance(actor, User) else None
    choice.chosen_at = timezone.now() if unit is not None else None
    choice.save(update_fields=["unit", "chosen_by", "chosen_at"])
    return choice
