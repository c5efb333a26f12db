"""Run a targeting rule over candidate units (the algorithm is in the package docstring)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from barrio.core.fingerprint import fingerprint

__all__ = [
    "Decision",
    "Quota",
    "TargetingRule",
    "TargetingRun",
    "TargetingUnit",
    "run_targeting",
]

ParamValue = str | int | float | None | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TargetingUnit:
    """A candidate unit. ``value`` NaN means the unit has no index value.

    Population and cost may be numpy integers (columns read with pandas); decisions and
    totals report them as plain ``int``.
    """

    code: str
    value: float
    stratum: str | None = None
    population: int | np.integer[Any] | None = None
    parent: str | None = None
    group: str | None = None
    cost_cents: int | np.integer[Any] = 0


@dataclass(frozen=True)
class Quota:
    """At least / at most this many selected units in a group (region, municipality...)."""

    group: str
    at_least: int = 0
    at_most: int | None = None


@dataclass(frozen=True)
class TargetingRule:
    """Parameters of a run; ``None`` means "no such filter or limit".

    ``tie_break`` is ``"code"`` (smaller code first) or ``"lot"`` (seeded with ``seed``).
    """

    direction: Literal["higher_first", "lower_first"] = "higher_first"
    strata: frozenset[str] | None = None
    min_population: int | None = None
    max_population: int | None = None
    parents: frozenset[str] | None = None
    quotas: tuple[Quota, ...] = ()
    max_units: int | None = None
    budget_cents: int | None = None
    tie_break: Literal["code", "lot"] = "code"
    seed: int | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """Outcome for one unit: selected or not, its rank among eligible units, and why.

    ``reason`` is a stable code: ``selected``, ``not_eligible_no_value``,
    ``not_eligible_stratum``, ``not_eligible_population_min``,
    ``not_eligible_population_max``, ``not_eligible_parent``, ``excluded_quota_max``,
    ``over_count_limit`` or ``over_budget``; ``params`` holds its parameters.
    """

    code: str
    selected: bool
    rank: int | None
    reason: str
    params: Mapping[str, ParamValue] = field(default_factory=dict)

    @property
    def explanation(self) -> tuple[str, Mapping[str, ParamValue]]:
        """Return ``(reason, params)``, the structure the web app translates."""
        return (self.reason, self.params)


@dataclass(frozen=True)
class TargetingRun:
    """Decisions in input order, the selection in rank order, its cost and fingerprint."""

    decisions: tuple[Decision, ...]
    selected: tuple[str, ...]
    eligible: int
    total_cost_cents: int
    fingerprint: str

    def decision(self, code: str) -> Decision:
        """Return the decision about ``code`` (``KeyError`` if unknown)."""
        for d in self.decisions:
            if d.code == code:
                return d
        raise KeyError(code)


def _is_whole(x: object) -> bool:
    """An integer that is not a boolean; numpy integers (pandas columns) count too."""
    # The exact-type test first: numbers.Integral is an ABC check, 10x slower per unit.
    return type(x) is int or (not isinstance(x, bool) and isinstance(x, numbers.Integral))


def _check_unit(u: TargetingUnit) -> None:
    """Raise ``ValueError`` naming a unit whose value, population or cost is malformed."""
    v = u.value
    if type(v) is not float and (isinstance(v, bool) or not isinstance(v, numbers.Real)):
        raise ValueError(f"value of {u.code!r} must be a number, got {v!r}")
    if math.isinf(v):
        raise ValueError(f"value of {u.code!r} is infinite")
    if not _is_whole(u.cost_cents) or u.cost_cents < 0:
        raise ValueError(f"cost_cents of {u.code!r} must be a non-negative integer")
    if u.population is not None and not _is_whole(u.population):
        raise ValueError(f"population of {u.code!r} must be an integer or None")


def _check_rule(units: Sequence[TargetingUnit], rule: TargetingRule) -> dict[str, Quota]:
    """Validate units and rule; return the quotas by group (raise ``ValueError``)."""
    codes = [u.code for u in units]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate unit codes")
    if rule.direction not in ("higher_first", "lower_first"):
        raise ValueError(f"unknown direction {rule.direction!r}")
    if rule.tie_break not in ("code", "lot"):
        raise ValueError(f"unknown tie_break {rule.tie_break!r}; use 'code' or 'lot'")
    if rule.tie_break == "lot" and rule.seed is None:
        raise ValueError("tie_break='lot' needs an explicit seed")
    for name in ("max_units", "budget_cents", "min_population", "max_population"):
        v = getattr(rule, name)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            raise ValueError(f"{name} must be a non-negative integer, got {v!r}")
    for u in units:
        _check_unit(u)
    quotas: dict[str, Quota] = {}
    for q in rule.quotas:
        if q.group in quotas:
            raise ValueError(f"two quotas for group {q.group!r}")
        if q.at_least < 0 or (q.at_most is not None and q.at_most < 0):
            raise ValueError(f"quota of group {q.group!r} must not be negative")
        if q.at_most is not None and q.at_least > q.at_most:
            raise ValueError(
                f"infeasible quota for group {q.group!r}: at least {q.at_least} > "
                f"at most {q.at_most}"
            )
        quotas[q.group] = q
    return quotas


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


def run_targeting(units: Sequence[TargetingUnit], rule: TargetingRule) -> TargetingRun:
    """Select units by eligibility, rank, quotas and a count or budget limit.

    Parameters
    ----------
    units : sequence of TargetingUnit
        Candidates with distinct codes.
    rule : TargetingRule
        Filters, ranking direction, quotas, limits and tie-break (see the module docstring
        for the algorithm).

    Returns
    -------
    TargetingRun
        One :class:`Decision` per unit (input order), the selected codes in rank order,
        the number of eligible units, the selection's cost and the fingerprint of units +
        rule.

    Raises
    ------
    ValueError
        On duplicate codes, negative or non-integer limits or costs, an unknown option, a
        lot without seed, or an infeasible quota (the message names the group).

    Examples
    --------
    >>> units = [TargetingUnit("a", 90, "very_high", group="north"),
    ...          TargetingUnit("b", 80, "very_high", group="north"),
    ...          TargetingUnit("c", 70, "high", group="south"),
    ...          TargetingUnit("d", 60, "medium", group="south")]
    >>> rule = TargetingRule(strata=frozenset({"very_high", "high"}), max_units=2,
    ...                      quotas=(Quota("south", at_least=1),))
    >>> run = run_targeting(units, rule)
    >>> run.selected
    ('a', 'c')
    >>> run.decision("b").explanation
    ('over_count_limit', {'limit': 2})
    >>> run.decision("c").params["phase"]
    'minimum_quota'
    """
    quotas = _check_rule(units, rule)
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
