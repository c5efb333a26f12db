"""Budget apportionment: split an amount among units by a formula, in exact cents."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from barrio.accounts.permissions import Action
from barrio.core.apportionment import Component, apportion
from barrio.errors import FieldError, ValidationFailed
from barrio.planning.models import Apportionment, ApportionmentShare, TargetingRun
from barrio.planning.services.common import candidate_units, no_units_error, require
from barrio.planning.specs import ApportionmentSpec, ComponentSpec
from barrio.territories.selectors import indicator_get, indicator_values

if TYPE_CHECKING:
    from barrio.accounts.models import Programme
    from barrio.territories.models import TerritorialUnit

__all__ = ["apportionment_create"]


def _units(
    programme: Programme, spec: ApportionmentSpec
) -> tuple[list[TerritorialUnit], TargetingRun | None, str]:
    """The units to split among: the selection of an approved run, or a level's units."""
    if spec.targeting_run is not None:
        run = (
            TargetingRun.objects.filter(programme=programme, pk=spec.targeting_run)
            .select_related("programme")
            .first()
        )
        if run is None:
            raise ValidationFailed(
                errors=[FieldError(("body", "targeting_run"), _("There is no such run."))]
            )
        if run.status != TargetingRun.Status.APPROVED:
            raise ValidationFailed(
                errors=[
                    FieldError(
                        ("body", "targeting_run"),
                        _("Only the units of an approved run can receive a budget."),
                    )
                ]
            )
        selected = run.decisions.filter(selected=True).select_related("unit").order_by("rank")
        return [d.unit for d in selected], run, run.level
    if not spec.level:
        raise ValidationFailed(
            errors=[FieldError(("body", "level"), _("Choose an approved run or a level."))]
        )
    units = list(candidate_units(programme, spec.level))
    if not units:
        raise ValidationFailed(errors=[no_units_error(("body", "level"), spec.level)])
    return units, None, spec.level


def _component_values(
    position: int, component: ComponentSpec, units: list[TerritorialUnit]
) -> tuple[dict[str, float], list[FieldError]]:
    """The weights of one formula term per unit code, or the errors that prevent them."""
    loc = ("body", "components", position)
    if component.kind == "equal":
        return {u.code: 1 for u in units}, []
    indicator = indicator_get(code=component.indicator)
    if indicator is None:
        return {}, [
            FieldError(
                (*loc, "indicator"),
                _("There is no indicator %(code)s.") % {"code": component.indicator},
            )
        ]
    values = indicator_values(indicator=indicator, units=units, period=component.period)
    missing = [u for u in units if u.pk not in values]
    if missing:
        return {}, [
            FieldError(
                (*loc, "indicator"),
                _("%(unit)s has no value of %(indicator)s for %(period)s.")
                % {"unit": u.name, "indicator": indicator.name, "period": component.period},
            )
            for u in missing
        ]
    by_code = {u.code: values[u.pk] for u in units}
    if component.kind == "need" and indicator.direction == "higher_is_better":
        best = max(by_code.values())
        by_code = {code: best - value for code, value in by_code.items()}
    return by_code, []


def _formula(spec: ApportionmentSpec) -> list[dict[str, Any]]:
    return [{**asdict(c), "share": str(c.share)} for c in spec.components]


@transaction.atomic
def apportionment_create(
    *, actor: User | AnonymousUser, programme: Programme, spec: ApportionmentSpec
) -> Apportionment:
    """Split ``spec.total_cents`` among units and store each unit's part and how it was reached.

    The parts add up to the total exactly (largest remainder on cents). The units are the
    selection of an approved targeting run of the programme, or every unit of a level of its
    territory. Raises :class:`PermissionDenied` unless the actor may plan in the whole
    programme, and :class:`ValidationFailed` (nothing saved) for an unknown indicator, a unit
    without a value, shares that do not add up to one, or floors above the total.
    """
    require(actor, Action.PLANNING_RUN, programme)
    errors: list[FieldError] = []
    if not spec.name.strip():
        errors.append(FieldError(("body", "name"), _("Give the apportionment a name.")))
    if not spec.components:
        errors.append(FieldError(("body", "components"), _("Give at least one formula term.")))
    if errors:
        raise ValidationFailed(errors=errors)
    units, run, level = _units(programme, spec)
    if not units:
        raise ValidationFailed(
            errors=[FieldError(("body",), _("There is no unit to split among."))]
        )
    components = []
    for position, component in enumerate(spec.components):
        values, problems = _component_values(position, component, units)
        errors += problems
        components.append(Component(f"{position}:{component.kind}", component.share, values))
    if errors:
        raise ValidationFailed(errors=errors)
    try:
        result = apportion(
            spec.total_cents,
            [u.code for u in units],
            components,
            floor_cents=spec.floor_cents,
            tie_break=spec.tie_break,
            seed=spec.seed,
        )
    except ValueError as error:
        raise ValidationFailed(
            _("The formula cannot be applied to these units."),
            errors=[FieldError(("body",), str(error))],
            code="invalid_apportionment",
        ) from error
    made = Apportionment.objects.create(
        programme=programme,
        name=spec.name.strip(),
        targeting_run=run,
        level=level,
        total_cents=spec.total_cents,
        floor_cents=spec.floor_cents,
        formula={"components": _formula(spec), "tie_break": spec.tie_break, "seed": spec.seed},
        fingerprint=result.fingerprint,
        created_by=actor if isinstance(actor, User) else None,
    )
    unit_of = {u.code: u for u in units}
    ApportionmentShare.objects.bulk_create(
        [
            ApportionmentShare(
                apportionment=made,
                unit=unit_of[share.code],
                cents=share.cents,
                floor_applied=share.floor_applied,
                remainder_cent=share.remainder_cent,
                parts={
                    "formula_quota": str(share.formula_quota),
                    "terms": [
                        {
                            "term": part.name,
                            "proportion": str(part.proportion),
                            "quota": str(part.quota),
                        }
                        for part in share.parts
                    ],
                },
            )
            for share in result.units
        ],
        batch_size=2000,
    )
    return made
