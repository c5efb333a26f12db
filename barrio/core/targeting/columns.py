"""Targeting over columns: the algorithm of :mod:`barrio.core.targeting` without one object
per unit.

A run over the 70,000 units of a large country reads its candidates as columns from a
database and writes one decision per unit back; building a :class:`TargetingUnit` and a
:class:`Decision` per unit on the way costs more than the algorithm itself. Here the
filters are array operations, the ranking one ``lexsort``, and only the ranked units
walk a Python loop until the count limit is reached. Reasons that repeat share one
parameters mapping (read-only by contract), so a writer encodes each distinct one once.
:func:`barrio.core.targeting.run_targeting` is this function over its units' columns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from barrio.core.fingerprint import fingerprint
from barrio.core.targeting.model import (
    Decision,
    ParamValue,
    Quota,
    TargetingRule,
    TargetingRun,
    check_options,
    check_quotas,
)

__all__ = ["TargetingColumns", "TargetingTable", "run_targeting_columns"]

Params = Mapping[str, ParamValue]


@dataclass(frozen=True)
class TargetingColumns:
    """The candidates as aligned columns; position ``i`` of every column is unit ``i``.

    ``value`` NaN means no index value; ``population`` counts only where
    ``has_population``. Codes must be distinct.
    """

    codes: Sequence[str]
    value: npt.NDArray[np.float64]
    stratum: Sequence[str | None]
    population: npt.NDArray[np.int64]
    has_population: npt.NDArray[np.bool_]
    parent: Sequence[str | None]
    group: Sequence[str | None]
    cost_cents: npt.NDArray[np.int64]


@dataclass(frozen=True)
class TargetingTable:
    """A run's decisions as columns in input order (see :class:`Decision` for the codes).

    ``rank`` is ``None`` for units that are not eligible. Equal parameters are often one
    shared mapping: do not change them.
    """

    codes: Sequence[str]
    selected_mask: tuple[bool, ...]
    rank: tuple[int | None, ...]
    reason: tuple[str, ...]
    params: tuple[Params, ...]
    selected: tuple[str, ...]
    eligible: int
    total_cost_cents: int
    fingerprint: str

    def to_run(self) -> TargetingRun:
        """The same run with one :class:`Decision` per unit."""
        decisions = tuple(
            map(Decision, self.codes, self.selected_mask, self.rank, self.reason, self.params)
        )
        return TargetingRun(
            decisions, self.selected, self.eligible, self.total_cost_cents, self.fingerprint
        )


def _check_columns(columns: TargetingColumns, rule: TargetingRule) -> dict[str, Quota]:
    """The checks of ``run_targeting`` in its order, over columns (raise ``ValueError``)."""
    codes = columns.codes
    n = len(codes)
    sizes = {
        len(column)
        for column in (
            columns.value,
            columns.stratum,
            columns.population,
            columns.has_population,
            columns.parent,
            columns.group,
            columns.cost_cents,
        )
    }
    if sizes - {n}:
        raise ValueError(f"columns of {sorted(sizes - {n})} values for {n} unit codes")
    if len(set(codes)) != n:
        raise ValueError("duplicate unit codes")
    check_options(rule)
    if columns.cost_cents.dtype.kind not in "iu":
        raise ValueError("cost_cents must be integers")
    bad = np.isinf(columns.value) | (columns.cost_cents < 0)
    if bad.any():
        first = int(np.argmax(bad))
        if np.isinf(columns.value[first]):
            raise ValueError(f"value of {codes[first]!r} is infinite")
        raise ValueError(f"cost_cents of {codes[first]!r} must be a non-negative integer")
    return check_quotas(rule)


def _filters(
    columns: TargetingColumns, rule: TargetingRule, reason: list[str], params: list[Params]
) -> npt.NDArray[np.intp]:
    """Fill the reasons of the units a filter excludes; return the eligible positions.

    The first failing filter is a unit's reason, in the order of step 1 of the algorithm.
    A filter's parameters depend on one column (the stratum, population or parent): one
    mapping per distinct value of it.
    """
    n = len(columns.codes)
    left = ~np.isnan(columns.value)
    empty: Params = {}
    for i in np.flatnonzero(~left).tolist():
        reason[i], params[i] = "not_eligible_no_value", empty
    population = [
        int(p) if has else None
        for p, has in zip(columns.population.tolist(), columns.has_population.tolist(), strict=True)
    ]
    people = np.where(columns.has_population, columns.population, 0)
    # (reason, units failing the filter, the column the parameters come from, parameters)
    checks: list[tuple[str, npt.NDArray[np.bool_], Sequence[Any], Callable[[Any], Params]]] = []
    if rule.strata is not None:
        strata, allowed = rule.strata, tuple(sorted(rule.strata))
        checks.append(
            (
                "not_eligible_stratum",
                np.fromiter((s not in strata for s in columns.stratum), bool, n),
                columns.stratum,
                lambda s: {"stratum": s, "allowed": allowed},
            )
        )
    if rule.min_population is not None:
        minimum = rule.min_population
        checks.append(
            (
                "not_eligible_population_min",
                people < minimum,
                population,
                lambda p: {"population": p, "minimum": minimum},
            )
        )
    if rule.max_population is not None:
        maximum = rule.max_population
        checks.append(
            (
                "not_eligible_population_max",
                ~columns.has_population | (people > maximum),
                population,
                lambda p: {"population": p, "maximum": maximum},
            )
        )
    if rule.parents is not None:
        parents = rule.parents
        checks.append(
            (
                "not_eligible_parent",
                np.fromiter((p not in parents for p in columns.parent), bool, n),
                columns.parent,
                lambda p: {"parent": p},
            )
        )
    for code, failing, keys, make in checks:
        hit = failing & left
        made: dict[Any, Params] = {}
        for i in np.flatnonzero(hit).tolist():
            key = keys[i]
            found = made.get(key)
            if found is None:
                found = made[key] = make(key)
            reason[i], params[i] = code, found
        left &= ~hit
    return np.flatnonzero(left)


def _rank_order(
    columns: TargetingColumns, eligible: npt.NDArray[np.intp], rule: TargetingRule
) -> list[int]:
    """Eligible positions in rank order: by value, then the tie-break over sorted codes."""
    codes = columns.codes
    by_code = np.array(sorted(eligible.tolist(), key=codes.__getitem__), dtype=np.intp)
    if rule.tie_break == "lot":
        tie = np.random.default_rng(rule.seed).permutation(len(by_code))
    else:
        tie = np.arange(len(by_code))
    values = columns.value[by_code]
    key = -values if rule.direction == "higher_first" else values
    # lexsort sorts by its last key first: value, then the tie-break position.
    ranked: list[int] = by_code[np.lexsort((tie, key))].tolist()
    return ranked


def _minimums(
    ranked: list[int],
    groups: list[str],
    costs: list[int],
    quotas: Mapping[str, Quota],
    rule: TargetingRule,
) -> list[int]:
    """The best-ranked ``at_least`` positions of each quota's group (step 4), checked
    against the count limit and the budget (step 3)."""
    by_group: dict[str, list[int]] = {g: [] for g in quotas}
    for i in ranked:
        members = by_group.get(groups[i])
        if members is not None:
            members.append(i)
    pick: list[int] = []
    for g, quota in sorted(quotas.items()):
        members = by_group[g]
        if quota.at_least > len(members):
            raise ValueError(
                f"infeasible quota for group {g!r}: at least {quota.at_least} but only "
                f"{len(members)} eligible units"
            )
        pick.extend(members[: quota.at_least])
    if rule.max_units is not None and len(pick) > rule.max_units:
        raise ValueError(
            f"infeasible quotas: the minimums add up to {len(pick)} units, more than "
            f"the limit of {rule.max_units}"
        )
    cost = sum(costs[i] for i in pick)
    if rule.budget_cents is not None and cost > rule.budget_cents:
        named = sorted({groups[i] for i in pick})
        raise ValueError(
            f"infeasible quotas: the minimums of groups {named} cost {cost} cents, more than "
            f"the budget of {rule.budget_cents}"
        )
    return pick


def run_targeting_columns(columns: TargetingColumns, rule: TargetingRule) -> TargetingTable:
    """Select units by eligibility, rank, quotas and a count or budget limit, over columns.

    The same decisions, selection, totals and fingerprint as
    :func:`barrio.core.targeting.run_targeting` over the same units (which calls it), and
    the same ``ValueError`` for bad input or an infeasible quota.

    Examples
    --------
    >>> from barrio.core.targeting import TargetingRule
    >>> columns = TargetingColumns(
    ...     codes=["a", "b", "c"], value=np.array([3.0, np.nan, 5.0]),
    ...     stratum=[None] * 3, population=np.zeros(3, np.int64),
    ...     has_population=np.zeros(3, bool), parent=[None] * 3, group=[None] * 3,
    ...     cost_cents=np.zeros(3, np.int64))
    >>> table = run_targeting_columns(columns, TargetingRule(max_units=1))
    >>> table.selected, table.reason
    (('c',), ('over_count_limit', 'not_eligible_no_value', 'selected'))
    """
    quotas = _check_columns(columns, rule)
    n = len(columns.codes)
    reason = [""] * n
    params: list[Params] = [{}] * n
    rank: list[int | None] = [None] * n
    eligible = _filters(columns, rule, reason, params)
    ranked = _rank_order(columns, eligible, rule)
    for position, i in enumerate(ranked, start=1):
        rank[i] = position
    groups = [g or "" for g in columns.group]
    costs: list[int] = columns.cost_cents.tolist()
    pick = _minimums(ranked, groups, costs, quotas, rule)
    cost = sum(costs[i] for i in pick)
    chosen = dict.fromkeys(pick, "minimum_quota")
    count_in = dict.fromkeys(quotas, 0)
    for i in pick:
        if groups[i] in count_in:
            count_in[groups[i]] += 1
    # One parameters mapping shared by every unit past the count limit, one per full group.
    count_limit: Params = {"limit": rule.max_units}
    quota_full: dict[str, Params] = {}
    limit, budget = rule.max_units, rule.budget_cents
    for position, i in enumerate(ranked):
        if i in chosen:
            continue
        if limit is not None and len(chosen) >= limit:
            # The count never falls again: every later unit not chosen is over the limit.
            for j in ranked[position:]:
                if j not in chosen:
                    reason[j], params[j] = "over_count_limit", count_limit
            break
        g = groups[i]
        q = quotas.get(g)
        if q is not None and q.at_most is not None and count_in[g] >= q.at_most:
            reason[i] = "excluded_quota_max"
            full = quota_full.get(g)
            if full is None:
                full = quota_full[g] = {"group": g, "quota": q.at_most}
            params[i] = full
        elif budget is not None and cost + costs[i] > budget:
            reason[i] = "over_budget"
            params[i] = {"cost": costs[i], "remaining": budget - cost}
        else:
            chosen[i] = "rank"
            cost += costs[i]
            if q is not None:
                count_in[g] += 1
    n_eligible = len(ranked)
    for i, phase in chosen.items():
        reason[i] = "selected"
        params[i] = {
            "rank": rank[i],
            "of": n_eligible,
            "stratum": columns.stratum[i],
            "group": columns.group[i],
            "phase": phase,
        }
    selected = tuple(columns.codes[i] for i in ranked if i in chosen)
    mask = np.zeros(n, dtype=bool)
    mask[list(chosen)] = True
    return TargetingTable(
        codes=columns.codes,
        selected_mask=tuple(mask.tolist()),
        rank=tuple(rank),
        reason=tuple(reason),
        params=tuple(params),
        selected=selected,
        eligible=n_eligible,
        total_cost_cents=cost,
        fingerprint=_fingerprint(columns, rule),
    )


def _fingerprint(columns: TargetingColumns, rule: TargetingRule) -> str:
    """The fingerprint of units and rule, as :func:`run_targeting` has always computed it."""
    rule_data = asdict(rule)
    # Sets have no JSON form and no order: store them sorted.
    rule_data["strata"] = sorted(rule.strata) if rule.strata is not None else None
    rule_data["parents"] = sorted(rule.parents) if rule.parents is not None else None
    codes = columns.codes
    # Codes are distinct, so sorting the label rows is sorting by code.
    order = sorted(range(len(codes)), key=codes.__getitem__)
    stratum, parent, group = columns.stratum, columns.parent, columns.group
    config = {
        "rule": rule_data,
        "labels": [(codes[i], stratum[i] or "", parent[i] or "", group[i] or "") for i in order],
    }
    population = np.where(columns.has_population, columns.population.astype(np.float64), math.nan)
    data = {
        "value": columns.value,
        "population": population,
        "cost_cents": columns.cost_cents.astype(np.float64),
    }
    return fingerprint(config, codes, data)
