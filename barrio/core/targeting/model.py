"""The data of a targeting run: candidates, rule, quotas, decisions and the run's result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

__all__ = [
    "Decision",
    "ParamValue",
    "Quota",
    "TargetingRule",
    "TargetingRun",
    "TargetingUnit",
    "check_options",
    "check_quotas",
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


def check_options(rule: TargetingRule) -> None:
    """Raise ``ValueError`` naming an unknown option or a malformed limit of ``rule``."""
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


def check_quotas(rule: TargetingRule) -> dict[str, Quota]:
    """Return the quotas of ``rule`` by group; raise ``ValueError`` naming a bad one."""
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
