"""The targeting algorithm as it was written before it ran over columns (the oracle).

``run_targeting`` now computes over columns; this is its earlier unit-by-unit form, kept
verbatim so that a test can show both give the same decisions on random inputs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict

import numpy as np

from barrio.core.fingerprint import fingerprint
from barrio.core.targeting.model import (
    Decision,
    ParamValue,
    Quota,
    TargetingRule,
    TargetingRun,
    TargetingUnit,
    check_quotas,
)
from barrio.core.targeting.run import _check_rule


def _eligibility(
    u: TargetingUnit, rule: TargetingRule, allowed: tuple[str, ...]
) -> tuple[str, dict[str, ParamValue]]:
    """The first failing filter's reason and parameters, or ``("", {})``."""
    if math.isnan(u.value):
        return "not_eligible_no_value", {}
    if rule.strata is not None and u.stratum not in rule.strata:
        return "not_eligible_stratum", {"stratum": u.stratum, "allowed": allowed}
    if rule.min_population is not None and (u.population or 0) < rule.min_population:
        return "not_eligible_population_min", {
            "population": None if u.population is None else int(u.population),
            "minimum": rule.min_population,
        }
    if rule.max_population is not None and (
        u.population is None or u.population > rule.max_population
    ):
        return "not_eligible_population_max", {
            "population": None if u.population is None else int(u.population),
            "maximum": rule.max_population,
        }
    if rule.parents is not None and u.parent not in rule.parents:
        return "not_eligible_parent", {"parent": u.parent}
    return "", {}


def _rank_order(eligible: list[TargetingUnit], rule: TargetingRule) -> list[TargetingUnit]:
    """Eligible units in rank order: by value, then the tie-break."""
    by_code = sorted(eligible, key=lambda u: u.code)
    if rule.tie_break == "lot":
        tie = np.random.default_rng(rule.seed).permutation(len(by_code))
    else:
        tie = np.arange(len(by_code))
    vals = np.array([u.value for u in by_code], dtype=np.float64)
    key = -vals if rule.direction == "higher_first" else vals
    # lexsort sorts by its last key first: value, then the tie-break position.
    order = np.lexsort((tie, key))
    return [by_code[i] for i in order.tolist()]


def _minimums(
    ranked: list[TargetingUnit], quotas: Mapping[str, Quota], rule: TargetingRule
) -> list[TargetingUnit]:
    """The best-ranked ``at_least`` units of each quota's group (step 4 of the algorithm).

    Raises ``ValueError`` naming the group when a minimum has too few eligible units, or
    when the minimums together exceed the count limit or the budget (step 3).
    """
    by_group: dict[str, list[TargetingUnit]] = {}
    for u in ranked:
        by_group.setdefault(u.group or "", []).append(u)
    pick: list[TargetingUnit] = []
    for g, quota in sorted(quotas.items()):
        members = by_group.get(g, [])
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
    cost = sum(int(u.cost_cents) for u in pick)
    if rule.budget_cents is not None and cost > rule.budget_cents:
        groups = sorted({u.group or "" for u in pick})
        raise ValueError(
            f"infeasible quotas: the minimums of groups {groups} cost {cost} cents, more than "
            f"the budget of {rule.budget_cents}"
        )
    return pick


def run_targeting_before(units: Sequence[TargetingUnit], rule: TargetingRule) -> TargetingRun:
    """The run as computed before the columns: one object per unit, one loop."""
    _check_rule(units, rule)
    quotas = check_quotas(rule)
    allowed = tuple(sorted(rule.strata)) if rule.strata is not None else ()
    reasons: dict[str, tuple[bool, int | None, str, dict[str, ParamValue]]] = {}
    eligible = []
    for u in units:
        reason, params = _eligibility(u, rule, allowed)
        if reason:
            reasons[u.code] = (False, None, reason, params)
        else:
            eligible.append(u)
    ranked = _rank_order(eligible, rule)
    rank = {u.code: i + 1 for i, u in enumerate(ranked)}
    n_eligible = len(ranked)

    minimum_pick = _minimums(ranked, quotas, rule)
    cost = sum(int(u.cost_cents) for u in minimum_pick)
    chosen = {u.code: "minimum_quota" for u in minimum_pick}
    count_in = {g: sum(1 for u in minimum_pick if (u.group or "") == g) for g in quotas}
    # One parameters mapping shared by every unit past the count limit (read-only by contract).
    count_limit: dict[str, ParamValue] = {"limit": rule.max_units}
    for u in ranked:
        if u.code in chosen:
            continue
        g = u.group or ""
        q = quotas.get(g)
        if rule.max_units is not None and len(chosen) >= rule.max_units:
            reasons[u.code] = (False, rank[u.code], "over_count_limit", count_limit)
        elif q is not None and q.at_most is not None and count_in[g] >= q.at_most:
            reasons[u.code] = (
                False,
                rank[u.code],
                "excluded_quota_max",
                {"group": g, "quota": q.at_most},
            )
        elif rule.budget_cents is not None and cost + int(u.cost_cents) > rule.budget_cents:
            reasons[u.code] = (
                False,
                rank[u.code],
                "over_budget",
                {"cost": int(u.cost_cents), "remaining": rule.budget_cents - cost},
            )
        else:
            chosen[u.code] = "rank"
            cost += int(u.cost_cents)
            if q is not None:
                count_in[g] += 1
    for u in ranked:
        if u.code in chosen:
            why: dict[str, ParamValue] = {
                "rank": rank[u.code],
                "of": n_eligible,
                "stratum": u.stratum,
                "group": u.group,
                "phase": chosen[u.code],
            }
            reasons[u.code] = (True, rank[u.code], "selected", why)
    decisions = tuple(Decision(u.code, *reasons[u.code]) for u in units)
    selected = tuple(u.code for u in ranked if u.code in chosen)
    data: dict[str, list[float]] = {
        "value": [u.value for u in units],
        "population": [math.nan if u.population is None else float(u.population) for u in units],
        "cost_cents": [float(u.cost_cents) for u in units],
    }
    rule_data = asdict(rule)
    # Sets have no JSON form and no order: store them sorted.
    rule_data["strata"] = sorted(rule.strata) if rule.strata is not None else None
    rule_data["parents"] = sorted(rule.parents) if rule.parents is not None else None
    config = {
        "rule": rule_data,
        "labels": sorted((u.code, u.stratum or "", u.parent or "", u.group or "") for u in units),
    }
    fp = fingerprint(config, [u.code for u in units], data)
    return TargetingRun(decisions, selected, n_eligible, cost, fp)
