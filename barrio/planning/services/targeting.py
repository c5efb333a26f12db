"""Targeting runs: rank a programme's units by an index and choose the ones to work in."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import numpy as np
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from barrio.accounts.permissions import Action
from barrio.bulk import bulk_insert_columns
from barrio.core.classification import classify, label_codes
from barrio.core.targeting import (
    Quota,
    TargetingColumns,
    TargetingRule,
    TargetingTable,
    run_targeting_columns,
)
from barrio.errors import Conflict, FieldError, ValidationFailed
from barrio.planning.explain import stratum_name
from barrio.planning.models import TargetingDecision, TargetingRun
from barrio.planning.services.common import candidate_units, no_units_error, require
from barrio.planning.specs import TargetingSpec
from barrio.territories.selectors import indicator_get, unit_value_column

if TYPE_CHECKING:
    from barrio.accounts.models import Programme
    from barrio.territories.models import Indicator

__all__ = ["targeting_prepare", "targeting_run_approve", "targeting_run_create"]


def _loc(name: str) -> tuple[str, ...]:
    return ("body", name)


def _indicator(code: str, name: str, errors: list[FieldError]) -> Indicator | None:
    found = indicator_get(code=code)
    if found is None:
        errors.append(FieldError(_loc(name), _("There is no indicator %(code)s.") % {"code": code}))
    return found


def _check_numbers(spec: TargetingSpec, errors: list[FieldError]) -> None:
    if not spec.name.strip():
        errors.append(FieldError(_loc("name"), _("Give the run a name.")))
    if not 2 <= spec.classes <= 7:
        errors.append(FieldError(_loc("classes"), _("Use between 2 and 7 classes.")))
    else:
        known = label_codes(spec.classes)
        for code in spec.strata:
            if code not in known:
                # With another number of classes the labels differ (3 classes have no
                # "very_high"): a stratum that cannot occur would silently exclude everything.
                errors.append(
                    FieldError(
                        _loc("strata"),
                        _("With %(classes)s strata there is no stratum %(stratum)s.")
                        % {"classes": spec.classes, "stratum": stratum_name(code)},
                    )
                )
    for name in ("min_population", "max_population", "max_units", "budget_cents"):
        value = getattr(spec, name)
        if value is not None and value < 0:
            errors.append(FieldError(_loc(name), _("This number cannot be negative.")))
    if spec.cost_per_unit_cents < 0 or spec.at_least_per_group < 0:
        errors.append(FieldError(_loc("cost_per_unit_cents"), _("This number cannot be negative.")))
    if spec.at_most_per_group is not None and spec.at_most_per_group < spec.at_least_per_group:
        errors.append(FieldError(_loc("at_most_per_group"), _("The maximum is below the minimum.")))
    if (spec.at_least_per_group or spec.at_most_per_group is not None or spec.areas) and not (
        spec.group_level
    ):
        errors.append(
            FieldError(_loc("group_level"), _("Quotas and areas need the level of the areas."))
        )
    if spec.tie_break == "lot" and spec.seed is None:
        errors.append(FieldError(_loc("seed"), _("A draw by lot needs a seed.")))


def _groups(
    programme: Programme, paths: list[str], spec: TargetingSpec
) -> tuple[list[str | None], list[FieldError]]:
    """The code of the area of ``group_level`` each unit (given by its path) lies in."""
    if not spec.group_level:
        return [None] * len(paths), []
    areas = dict(candidate_units(programme, spec.group_level).values_list("path", "code"))
    if not areas:
        return [None] * len(paths), [no_units_error(_loc("group_level"), spec.group_level)]
    errors = [
        FieldError(_loc("areas"), _("There is no area %(code)s at that level.") % {"code": code})
        for code in spec.areas
        if code not in areas.values()
    ]
    depths = sorted({path.count("/") for path in areas})

    def widest_area(path: str) -> str | None:
        # The widest area first; only the depths the areas have are tried.
        parts = path.split("/")
        prefixes = ("/".join(parts[:depth]) + "/" for depth in depths)
        return next((areas[p] for p in prefixes if p in areas), None)

    # Units share their parents: look each parent's path up once.
    by_parent: dict[str, str | None] = {}
    group_of: list[str | None] = []
    for path in paths:
        parent_path = path[: path.rfind("/", 0, -1) + 1]
        if parent_path not in by_parent:
            by_parent[parent_path] = widest_area(parent_path) if parent_path else None
        group_of.append(by_parent[parent_path] or areas.get(path))
    return group_of, errors


def _direction(spec: TargetingSpec, indicator: Indicator) -> str:
    if spec.direction:
        return spec.direction
    return "lower_first" if indicator.direction == "higher_is_better" else "higher_first"


def targeting_prepare(
    *, programme: Programme, spec: TargetingSpec
) -> tuple[list[int], TargetingColumns, TargetingRule, TargetingTable]:
    """Read the candidates and their data, and run the rule; change nothing.

    Returns the units' ids, what the core was given (as columns: runs read 70,000 units,
    never as model instances), the rule and the core's run. Raises
    :class:`ValidationFailed` naming each field that does not fit the data (an unknown
    indicator, a level without units, a period without values, an infeasible quota).
    """
    errors: list[FieldError] = []
    _check_numbers(spec, errors)
    indicator = _indicator(spec.indicator, "indicator", errors)
    population = (
        _indicator(spec.population_indicator, "population_indicator", errors)
        if spec.population_indicator
        else None
    )
    rows = list(candidate_units(programme, spec.level).values_list("pk", "code", "path"))
    if not rows:
        errors.append(no_units_error(_loc("level"), spec.level))
    ids: list[int] = [pk for pk, _code, _path in rows]
    codes: list[str] = [code for _pk, code, _path in rows]
    group_of, group_errors = _groups(programme, [path for _pk, _code, path in rows], spec)
    errors += group_errors
    if errors or indicator is None:
        raise ValidationFailed(errors=errors)
    array = unit_value_column(indicator=indicator, unit_ids=ids, period=spec.period)
    if np.isnan(array).all():
        raise ValidationFailed(
            errors=[FieldError(_loc("period"), _("The indicator has no value for this period."))]
        )
    counts: list[int | None] = [None] * len(ids)
    if population is not None:
        people = unit_value_column(
            indicator=population, unit_ids=ids, period=spec.population_period or spec.period
        )
        counts = [None if p != p else round(p) for p in people.tolist()]  # NaN: none
    k = min(spec.classes, len(np.unique(array[~np.isnan(array)])))
    strata = classify(array, spec.classification, k).label_of() if k >= 2 else (None,) * len(ids)
    columns = TargetingColumns(
        codes=codes,
        value=array,
        stratum=strata,
        population=np.array([p or 0 for p in counts], dtype=np.int64),
        has_population=np.array([p is not None for p in counts], dtype=bool),
        parent=group_of,
        group=group_of,
        cost_cents=np.full(len(ids), spec.cost_per_unit_cents, dtype=np.int64),
    )
    groups = sorted({g for g in group_of if g is not None})
    quotas = tuple(
        Quota(g, at_least=spec.at_least_per_group, at_most=spec.at_most_per_group)
        for g in groups
        if spec.at_least_per_group or spec.at_most_per_group is not None
    )
    rule = TargetingRule(
        direction=_direction(spec, indicator),  # type: ignore[arg-type]
        strata=frozenset(spec.strata) if spec.strata else None,
        min_population=spec.min_population,
        max_population=spec.max_population,
        parents=frozenset(spec.areas) if spec.areas else None,
        quotas=quotas,
        max_units=spec.max_units,
        budget_cents=spec.budget_cents,
        tie_break=spec.tie_break,
        seed=spec.seed,
    )
    try:
        run = run_targeting_columns(columns, rule)
    except ValueError as error:
        raise ValidationFailed(
            _("The rule cannot be met with these units."),
            errors=[FieldError(("body",), str(error))],
            code="infeasible_targeting",
        ) from error
    return ids, columns, rule, run


@transaction.atomic
def targeting_run_create(
    *, actor: User | AnonymousUser, programme: Programme, spec: TargetingSpec
) -> TargetingRun:
    """Run a targeting over the programme's units of ``spec.level`` and store it as a draft.

    Every unit gets a decision: in or out, its rank among the eligible units, the reason and
    its details. Raises :class:`NotAuthenticated`/:class:`PermissionDenied` unless the actor
    may run targetings in the whole programme, and :class:`ValidationFailed` (nothing saved)
    when the parameters do not fit the data.
    """
    require(actor, Action.PLANNING_RUN, programme)
    ids, columns, _rule, result = targeting_prepare(programme=programme, spec=spec)
    indicator = indicator_get(code=spec.indicator)
    assert indicator is not None  # targeting_prepare refused an unknown one
    run = TargetingRun.objects.create(
        programme=programme,
        name=spec.name.strip(),
        level=spec.level,
        indicator=indicator,
        period=spec.period,
        parameters=asdict(spec),
        fingerprint=result.fingerprint,
        unit_count=len(ids),
        eligible_count=result.eligible,
        selected_count=len(result.selected),
        total_cost_cents=result.total_cost_cents,
        created_by=actor if isinstance(actor, User) else None,
    )
    population = [
        p if known else None
        for p, known in zip(
            columns.population.tolist(), columns.has_population.tolist(), strict=True
        )
    ]
    # One explained decision per unit, written from the columns without model instances;
    # decisions sharing a reason share its parameters, encoded once.
    values = [
        [run.pk] * len(ids),
        ids,
        [None if v != v else v for v in columns.value.tolist()],  # NaN: no value
        [s or "" for s in columns.stratum],
        [g or "" for g in columns.group],
        population,
        columns.cost_cents.tolist(),
        result.selected_mask,
        result.rank,
        result.reason,
        result.params,
    ]
    bulk_insert_columns(TargetingDecision, dict(zip(DECISION_FIELDS, values, strict=True)))
    return run


#: The columns of a decision, in the order :func:`targeting_run_create` writes them.
DECISION_FIELDS = (
    "run",
    "unit",
    "value",
    "stratum",
    "group",
    "population",
    "cost_cents",
    "selected",
    "rank",
    "reason",
    "params",
)


def spec_of(run: TargetingRun) -> TargetingSpec:
    """The parameters a run was made with, as a spec to run again."""
    data = dict(run.parameters)
    data["strata"] = tuple(data.get("strata") or ())
    data["areas"] = tuple(data.get("areas") or ())
    return TargetingSpec(**data)


@transaction.atomic
def targeting_run_approve(*, actor: User | AnonymousUser, run: TargetingRun) -> TargetingRun:
    """Approve a draft run, after checking that its inputs have not changed since it was run.

    Only a programme manager of the whole programme approves, and not the person who ran it
    (four eyes). Raises :class:`PermissionDenied`, or :class:`Conflict` when the run is
    already approved, was run by the actor, or its data changed (run it again first).
    """
    programme = run.programme
    require(actor, Action.PLANNING_APPROVE, programme)
    run = TargetingRun.objects.select_for_update().get(pk=run.pk)
    if run.is_approved:
        raise Conflict(_("This run is already approved."), code="already_approved")
    run.check_four_eyes(actor, _("A run is approved by someone other than the person who ran it."))
    try:
        *_ignored, again = targeting_prepare(programme=programme, spec=spec_of(run))
    except ValidationFailed as error:
        raise Conflict(
            _("The data of this run changed and it cannot be repeated; run it again."),
            code="inputs_changed",
        ) from error
    if again.fingerprint != run.fingerprint:
        raise Conflict(
            _("The data of this run changed since it was run; run it again."),
            code="inputs_changed",
        )
    run.mark_approved(actor)
    return run
