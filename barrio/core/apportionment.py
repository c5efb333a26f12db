"""Split an integer amount of cents among territorial units by a formula, exactly.

A formula is a set of weighted components (for instance 50 % in proportion to population and
50 % in proportion to a need score, as Mexico City's participatory budget does) plus an
optional floor per unit. Every intermediate quantity is a :class:`fractions.Fraction`; the
final cents are obtained by the largest-remainder (Hamilton) method so the parts add up to
the total exactly, and each unit carries an explanation of how its amount was obtained.

Algorithm
---------
1. Every unit starts in the *pool*. A unit's exact quota is ``sum_c share_c * pot *
   value_ci / sum_{j in pool} value_cj`` where ``pot`` is the total minus the floors of the
   units already fixed at their floor.
2. Units of the pool whose quota is below the floor are fixed at the floor and leave the
   pool; the quotas are computed again. This repeats until no quota is below the floor (at
   most one round per unit), so a floor is a minimum, never a bonus on top of the formula.
3. Pool units get ``floor(quota)`` cents; the cents left over (fewer than the pool's size)
   go one each to the units with the largest fractional remainders, ties broken by the
   explicit ``tie_break`` rule.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from barrio.core.fingerprint import fingerprint

__all__ = ["ApportionmentResult", "Component", "ComponentPart", "UnitShare", "apportion"]

# numpy scalars are listed because typeshed does not register them as numbers.Real.
Number = int | Fraction | float | Decimal | numbers.Real | np.integer[Any] | np.floating[Any]
Cents = int | np.integer[Any]


@dataclass(frozen=True)
class Component:
    """One term of the formula.

    Attributes
    ----------
    name : str
        Stable code shown in explanations, e.g. ``"population"``.
    share : Fraction
        Part of the amount distributed by this component; the shares of a formula sum to 1.
    values : Mapping[str, int | Fraction | Decimal | float]
        Non-negative value per unit code (population, need score, ...), numpy scalars
        included. Floats are converted exactly with ``Fraction(x)``; a missing unit counts
        as 0.
    """

    name: str
    share: Fraction
    values: Mapping[str, Number]


@dataclass(frozen=True)
class ComponentPart:
    """A unit's part of one component: its proportion of the pool and the exact cents."""

    name: str
    proportion: Fraction
    quota: Fraction


@dataclass(frozen=True)
class UnitShare:
    """The amount of one unit and why.

    Attributes
    ----------
    code : str
        Unit code.
    cents : int
        Amount given, in cents.
    exact : Fraction
        Exact quota before rounding (the floor itself when ``floor_applied``).
    formula_quota : Fraction
        Quota the formula gave in the first round, before any floor.
    floor_applied : bool
        True when the unit received the floor because its formula quota was lower.
    remainder_cent : bool
        True when the unit got one of the cents left over by rounding down.
    parts : tuple of ComponentPart
        Per-component proportion and exact quota in the final round (empty when floored).
    """

    code: str
    cents: int
    exact: Fraction
    formula_quota: Fraction
    floor_applied: bool
    remainder_cent: bool
    parts: tuple[ComponentPart, ...]


@dataclass(frozen=True)
class ApportionmentResult:
    """All units' amounts in input order, the total, the floor rounds and the fingerprint.

    The fingerprint is the sha256 of the formula, the exact values and the tie-break rule,
    independent of unit order: the same fingerprint gives the same cents.
    """

    total_cents: int
    floor_cents: int
    units: tuple[UnitShare, ...]
    rounds: int
    fingerprint: str

    def by_code(self) -> dict[str, int]:
        """Return ``{code: cents}``."""
        return {u.code: u.cents for u in self.units}


def _as_fraction(value: Number, what: str) -> Fraction:
    """An exact Fraction of an integer, rational, decimal or finite float; else ``ValueError``.

    numpy and pandas numbers are accepted (a population column is usually ``int64``).
    """
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, not a boolean")
    if isinstance(value, numbers.Rational):  # int, Fraction, numpy integers
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, Decimal | numbers.Real):
        if not math.isfinite(value):
            raise ValueError(f"{what} must be finite, got {value!r}")
        return Fraction(value) if isinstance(value, Decimal) else Fraction(float(value))
    raise ValueError(f"{what} must be a number, got {type(value).__name__}")


def _whole_cents(value: object, what: str) -> int:
    """A non-negative whole number of cents (numpy integers included); else ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 0:
        raise ValueError(f"{what} must be a non-negative integer, got {value!r}")
    return int(value)


def _check(
    total_cents: int, codes: Sequence[str], components: Sequence[Component], floor_cents: int
) -> dict[str, dict[str, Fraction]]:
    """Validate the inputs; return each component's exact value per unit."""
    if not codes:
        raise ValueError("no units to apportion among")
    if len(set(codes)) != len(codes):
        dup = sorted({c for c in codes if codes.count(c) > 1})
        raise ValueError(f"duplicate unit codes: {dup[:5]}")
    if floor_cents * len(codes) > total_cents:
        raise ValueError(
            f"floors exceed the total: {len(codes)} units x {floor_cents} cents = "
            f"{floor_cents * len(codes)} > {total_cents}"
        )
    if not components:
        raise ValueError("the formula has no components")
    names = [c.name for c in components]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate component names: {names}")
    shares = [_as_fraction(c.share, f"share of component {c.name!r}") for c in components]
    if any(s < 0 for s in shares) or sum(shares) != 1:
        raise ValueError(f"component shares must be non-negative and sum to 1, got {shares}")
    known = set(codes)
    values: dict[str, dict[str, Fraction]] = {}
    for comp in components:
        unknown = sorted(set(comp.values) - known)
        if unknown:
            raise ValueError(f"component {comp.name!r} has values for unknown units {unknown[:5]}")
        vals = {
            code: _as_fraction(comp.values.get(code, 0), f"{comp.name!r} value of {code!r}")
            for code in codes
        }
        negative = [code for code, v in vals.items() if v < 0]
        if negative:
            raise ValueError(f"component {comp.name!r} has negative values for {negative[:5]}")
        if comp.share > 0 and sum(vals.values()) == 0:
            raise ValueError(f"component {comp.name!r} has a positive share but all values are 0")
        values[comp.name] = vals
    return values


def _tie_order(
    codes: Sequence[str], tie_break: Literal["code", "lot"], seed: int | None
) -> dict[str, int]:
    """Priority of each code for equal remainders (lower wins), independent of input order."""
    ordered = sorted(codes)
    if tie_break == "code":
        return {c: i for i, c in enumerate(ordered)}
    if tie_break == "lot":
        if seed is None:
            raise ValueError("tie_break='lot' needs an explicit seed")
        perm = np.random.default_rng(seed).permutation(len(ordered))
        return {ordered[int(p)]: i for i, p in enumerate(perm)}
    raise ValueError(f"unknown tie_break {tie_break!r}; use 'code' or 'lot'")


def apportion(
    total_cents: Cents,
    codes: Sequence[str],
    components: Sequence[Component],
    *,
    floor_cents: Cents = 0,
    tie_break: Literal["code", "lot"] = "code",
    seed: int | None = None,
) -> ApportionmentResult:
    """Split ``total_cents`` among ``codes`` by a weighted formula with a floor per unit.

    Parameters
    ----------
    total_cents : int
        Amount to split, in cents (non-negative; numpy integers are accepted).
    codes : sequence of str
        Unit codes (distinct). The result keeps this order; the amounts do not depend on it.
    components : sequence of Component
        Formula terms; their shares sum to 1.
    floor_cents : int, default 0
        Minimum amount per unit.
    tie_break : {"code", "lot"}, default "code"
        Who gets a remainder cent when remainders are equal: the smaller code, or a seeded
        lot over the sorted codes.
    seed : int, optional
        Seed of the lot; required with ``tie_break="lot"``.

    Returns
    -------
    ApportionmentResult
        Per-unit cents that sum exactly to ``total_cents``, with explanations.

    Raises
    ------
    ValueError
        If the floors exceed the total, the shares do not sum to 1, a value is negative or
        not a number, a component with a positive share is all zero, codes repeat, or the
        tie-break rule is unknown or lacks its seed.

    Examples
    --------
    >>> from fractions import Fraction
    >>> pop = Component("population", Fraction(1, 2), {"a": 100, "b": 200, "c": 700})
    >>> need = Component("need", Fraction(1, 2), {"a": 1, "b": 1, "c": 1})
    >>> r = apportion(100_000, ["a", "b", "c"], [pop, need], floor_cents=25_000)
    >>> r.by_code()
    {'a': 25000, 'b': 27083, 'c': 47917}
    >>> [(u.floor_applied, u.remainder_cent) for u in r.units]
    [(True, False), (False, False), (False, True)]
    >>> equal = Component("equal", Fraction(1), {"a": 1, "b": 1, "c": 1})
    >>> apportion(10, ["c", "b", "a"], [equal]).by_code()
    {'c': 3, 'b': 3, 'a': 4}
    """
    total_cents = _whole_cents(total_cents, "total_cents")
    floor_cents = _whole_cents(floor_cents, "floor_cents")
    values = _check(total_cents, codes, components, floor_cents)
    priority = _tie_order(codes, tie_break, seed)
    floored: set[str] = set()
    first_quota: dict[str, Fraction] = {}
    rounds = 0
    while True:
        rounds += 1
        pool = [c for c in codes if c not in floored]
        pot = Fraction(total_cents - floor_cents * len(floored))
        parts: dict[str, list[ComponentPart]] = {c: [] for c in pool}
        for comp in components:
            vals = values[comp.name]
            pool_sum = sum((vals[c] for c in pool), Fraction(0))
            for c in pool:
                # A component whose pool is all zero (its only positive units were floored)
                # is spread equally, so its share is neither lost nor double-counted.
                prop = vals[c] / pool_sum if pool_sum else Fraction(1, len(pool))
                parts[c].append(ComponentPart(comp.name, prop, comp.share * pot * prop))
        quota = {c: sum((p.quota for p in parts[c]), Fraction(0)) for c in pool}
        if rounds == 1:
            first_quota = dict(quota)
        below = {c for c in pool if quota[c] < floor_cents}
        if not below:
            break
        floored |= below
    base = {c: math.floor(q) for c, q in quota.items()}
    left = total_cents - floor_cents * len(floored) - sum(base.values())
    order = sorted(pool, key=lambda c: (-(quota[c] - base[c]), priority[c]))
    bonus = set(order[:left])
    units = []
    for c in codes:
        if c in floored:
            units.append(
                UnitShare(c, floor_cents, Fraction(floor_cents), first_quota[c], True, False, ())
            )
        else:
            cents = base[c] + (1 if c in bonus else 0)
            units.append(
                UnitShare(c, cents, quota[c], first_quota[c], False, c in bonus, tuple(parts[c]))
            )
    config = {
        "method": "largest_remainder",
        "total_cents": total_cents,
        "floor_cents": floor_cents,
        "tie_break": tie_break,
        "seed": seed,
        # Exact values as text ("3/7"): floats would round them.
        "components": [
            {
                "name": comp.name,
                "share": str(Fraction(comp.share)),
                "values": sorted([c, str(v)] for c, v in values[comp.name].items()),
            }
            for comp in components
        ],
    }
    proof = fingerprint(config, codes, {})
    return ApportionmentResult(total_cents, floor_cents, tuple(units), rounds, proof)
