"""Eligibility of households: declarative filters, a weighted scorecard, quotas, a maximum.

A rule is data, never code: each condition names a column of the household frame, an
operator from a closed list and a value. The frame is columnar (one numpy array per field,
aligned with the household keys), and every step works on whole columns:

1. *Filters.* A household is eligible when every condition holds. The first condition it
   fails is remembered (its index), with its own value, to say why it is out. A missing
   value (NaN, ``None``) fails any condition on that field.
2. *Score.* The scorecard adds ``weight × value`` for numeric fields, or ``weight`` when a
   field equals a given value (``residence_status = refugee``).
3. *Rank.* Eligible households are ranked by score, highest first; ties go to the smaller
   key, so the order the households come in never changes the list.
4. *Seats.* Without a maximum, every eligible household is in. With one, the list has
   ``n = min(maximum, eligible)`` seats. Each quota ("at least 30 % host households")
   reserves ``ceil(share × n)`` seats, filled in rank order by the group's households; the
   rest go in rank order to everyone else. A group too small to fill its quota gets all its
   eligible households and the shortfall is reported, never hidden.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from barrio.core.fingerprint import fingerprint

__all__ = [
    "OPERATORS",
    "Condition",
    "EligibilityResult",
    "EligibilityRule",
    "Quota",
    "QuotaOutcome",
    "ScoreTerm",
    "evaluate",
    "frame_fingerprint",
    "rule_from_dict",
]

#: The operators a condition may use; ``in``/``not_in`` take a list of values.
OPERATORS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "is_true", "is_false")

Scalar = str | int | float | bool

#: Reasons of the decisions (stable codes; pages turn them into sentences).
FAILED_CONDITION = "failed_condition"
MISSING_VALUE = "missing_value"
BY_RANK = "rank"
BY_QUOTA = "quota"
OVER_MAXIMUM = "over_maximum"


@dataclass(frozen=True)
class Condition:
    """``field op value``: e.g. ``Condition("size", "gte", 3)``."""

    field: str
    op: str
    value: Scalar | tuple[Scalar, ...] | None = None

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            raise ValueError(f"unknown operator {self.op!r} (allowed: {', '.join(OPERATORS)})")
        if self.op in ("in", "not_in") and not isinstance(self.value, tuple):
            raise ValueError(f"operator {self.op!r} on {self.field!r} needs a list of values")
        if self.op in ("gt", "gte", "lt", "lte") and (
            isinstance(self.value, bool) or not isinstance(self.value, int | float)
        ):
            raise ValueError(f"operator {self.op!r} on {self.field!r} needs a number")


@dataclass(frozen=True)
class ScoreTerm:
    """``weight × field`` (numeric), or ``weight`` when ``field`` equals ``equals``."""

    field: str
    weight: Fraction
    equals: Scalar | None = None


@dataclass(frozen=True)
class Quota:
    """At least ``share`` of the list are households whose ``field`` equals ``value``."""

    field: str
    value: Scalar
    share: Fraction

    def __post_init__(self) -> None:
        if not 0 < self.share <= 1:
            raise ValueError(f"the quota share of {self.field}={self.value} must be in (0, 1]")


@dataclass(frozen=True)
class EligibilityRule:
    """Filters, scorecard, quotas and maximum count; see the module docstring."""

    conditions: tuple[Condition, ...] = ()
    scorecard: tuple[ScoreTerm, ...] = ()
    quotas: tuple[Quota, ...] = ()
    max_count: int | None = None

    def __post_init__(self) -> None:
        if self.max_count is not None and self.max_count < 0:
            raise ValueError("the maximum count cannot be negative")
        if sum((q.share for q in self.quotas), Fraction(0)) > 1:
            raise ValueError("the quotas' shares add up to more than 100 %")

    def fields(self) -> set[str]:
        """Every field the rule reads."""
        return (
            {c.field for c in self.conditions}
            | {t.field for t in self.scorecard}
            | {q.field for q in self.quotas}
        )

    def as_dict(self) -> dict[str, Any]:
        """The rule as JSON-ready data (fractions as strings); see :func:`rule_from_dict`."""

        def value(v: Any) -> Any:
            return list(v) if isinstance(v, tuple) else v

        return {
            "conditions": [
                {"field": c.field, "op": c.op, "value": value(c.value)} for c in self.conditions
            ],
            "scorecard": [
                {"field": t.field, "weight": str(t.weight), "equals": t.equals}
                for t in self.scorecard
            ],
            "quotas": [
                {"field": q.field, "value": q.value, "share": str(q.share)} for q in self.quotas
            ],
            "max_count": self.max_count,
        }


def _fraction(text: Any, where: str) -> Fraction:
    try:
        return Fraction(str(text))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{where}: {text!r} is not a number") from None


def rule_from_dict(data: Mapping[str, Any]) -> EligibilityRule:
    """Build a rule from its JSON form (as stored, or sent to the API).

    Raises
    ------
    ValueError
        Naming the part of the rule that is malformed.

    Examples
    --------
    >>> rule = rule_from_dict({"conditions": [{"field": "size", "op": "gte", "value": 3}],
    ...                        "quotas": [{"field": "status", "value": "host", "share": "0.3"}],
    ...                        "max_count": 10})
    >>> rule.quotas[0].share
    Fraction(3, 10)
    >>> rule_from_dict(rule.as_dict()) == rule
    True
    >>> rule_from_dict({"conditions": [{"field": "size", "op": "like"}]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: condition 1: unknown operator 'like' (allowed: eq, ne, in, not_in, ...)
    """
    if not isinstance(data, Mapping):
        raise ValueError("a rule is an object with conditions, scorecard, quotas and max_count")
    conditions = []
    for i, raw in enumerate(data.get("conditions") or (), start=1):
        try:
            value = raw.get("value")
            conditions.append(
                Condition(
                    str(raw["field"]),
                    str(raw["op"]),
                    tuple(value) if isinstance(value, list) else value,
                )
            )
        except (KeyError, TypeError, AttributeError):
            raise ValueError(f"condition {i}: needs a field and an operator") from None
        except ValueError as error:
            raise ValueError(f"condition {i}: {error}") from None
    terms = []
    for i, raw in enumerate(data.get("scorecard") or (), start=1):
        try:
            terms.append(
                ScoreTerm(
                    str(raw["field"]),
                    _fraction(raw.get("weight", 1), f"score term {i}"),
                    raw.get("equals"),
                )
            )
        except (KeyError, TypeError, AttributeError):
            raise ValueError(f"score term {i}: needs a field and a weight") from None
    quotas = []
    for i, raw in enumerate(data.get("quotas") or (), start=1):
        try:
            quotas.append(
                Quota(str(raw["field"]), raw["value"], _fraction(raw["share"], f"quota {i}"))
            )
        except (KeyError, TypeError, AttributeError):
            raise ValueError(f"quota {i}: needs a field, a value and a share") from None
        except ValueError as error:
            raise ValueError(f"quota {i}: {error}") from None
    max_count = data.get("max_count")
    if max_count is not None and (isinstance(max_count, bool) or not isinstance(max_count, int)):
        raise ValueError("max_count must be a whole number")
    return EligibilityRule(tuple(conditions), tuple(terms), tuple(quotas), max_count)


@dataclass(frozen=True)
class QuotaOutcome:
    """How a quota came out: seats it needed, households it got, and the shortfall."""

    quota: Quota
    required: int
    selected: int
    eligible: int

    @property
    def met(self) -> bool:
        """Whether the list holds at least the required households of the group."""
        return self.selected >= self.required


@dataclass(frozen=True)
class EligibilityResult:
    """One entry per household, aligned with the keys given.

    ``failed`` is the index of the first condition failed (-1: none); ``rank`` is the
    place among the eligible (0: not eligible); ``reason`` one of the reason codes.
    """

    keys: npt.NDArray[np.int64]
    eligible: npt.NDArray[np.bool_]
    selected: npt.NDArray[np.bool_]
    failed: npt.NDArray[np.int64]
    score: npt.NDArray[np.float64]
    rank: npt.NDArray[np.int64]
    reason: npt.NDArray[np.object_]
    quota_group: npt.NDArray[np.int64]
    quotas: tuple[QuotaOutcome, ...] = field(default=())
    seats: int = 0

    @property
    def eligible_count(self) -> int:
        return int(self.eligible.sum())

    @property
    def selected_count(self) -> int:
        return int(self.selected.sum())


def _column(frame: Mapping[str, Any], name: str, n: int) -> npt.NDArray[Any]:
    if name not in frame:
        raise ValueError(f"the rule reads the field {name!r}, which the households do not have")
    col = np.asarray(frame[name])
    if col.shape != (n,):
        raise ValueError(f"field {name!r} has {col.size} values for {n} households")
    return col


def _missing(col: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    if col.dtype.kind == "f":
        return np.asarray(np.isnan(col), dtype=bool)
    if col.dtype.kind == "O":
        missing = np.frompyfunc(
            lambda v: v is None or (isinstance(v, float) and math.isnan(v)), 1, 1
        )
        return np.asarray(missing(col), dtype=bool)
    return np.zeros(col.shape, dtype=bool)


def _holds(col: npt.NDArray[Any], cond: Condition) -> npt.NDArray[np.bool_]:
    op, value = cond.op, cond.value
    if op == "is_true":
        return np.asarray(col, dtype=bool)
    if op == "is_false":
        return ~np.asarray(col, dtype=bool)
    if op in ("in", "not_in"):
        assert isinstance(value, tuple)
        found = np.isin(
            col, np.asarray(value, dtype=col.dtype if col.dtype.kind != "O" else object)
        )
        return found if op == "in" else ~found
    if op in ("eq", "ne"):
        same = np.asarray(col == value, dtype=bool)
        return same if op == "eq" else ~same
    if col.dtype.kind not in "biuf":
        raise ValueError(f"operator {op!r} needs a numeric field; {cond.field!r} is not")
    number = float(value)  # type: ignore[arg-type]
    with np.errstate(invalid="ignore"):
        if op == "gt":
            return np.asarray(col > number)
        if op == "gte":
            return np.asarray(col >= number)
        if op == "lt":
            return np.asarray(col < number)
        return np.asarray(col <= number)


def evaluate(
    rule: EligibilityRule, keys: Sequence[int] | npt.ArrayLike, frame: Mapping[str, Any]
) -> EligibilityResult:
    """Apply ``rule`` to the households ``keys`` whose fields are the columns of ``frame``.

    Parameters
    ----------
    rule : EligibilityRule
    keys : sequence of int
        Distinct household keys; ties in score go to the smaller key.
    frame : mapping of str to array_like
        One column per field, aligned with ``keys``; NaN or ``None`` means missing.

    Returns
    -------
    EligibilityResult

    Raises
    ------
    ValueError
        If the rule reads a field the frame lacks, a column has the wrong length, the keys
        repeat, or an order comparison is asked of a field that is not numeric.

    Examples
    --------
    >>> rule = EligibilityRule(
    ...     conditions=(Condition("size", "gte", 2),),
    ...     scorecard=(ScoreTerm("children", Fraction(1)),),
    ...     quotas=(Quota("status", "host", Fraction(1, 2)),),
    ...     max_count=2,
    ... )
    >>> frame = {"size": [1, 3, 4, 2, 5], "children": [0, 1, 3, 0, 2],
    ...          "status": ["host", "migrant", "migrant", "host", "refugee"]}
    >>> result = evaluate(rule, [10, 11, 12, 13, 14], frame)
    >>> result.selected.tolist()
    [False, False, True, True, False]
    >>> result.reason.tolist()
    ['failed_condition', 'over_maximum', 'rank', 'quota', 'over_maximum']
    >>> result.quotas[0].met
    True
    """
    key_array = np.asarray(keys, dtype=np.int64).ravel()
    n = key_array.size
    if np.unique(key_array).size != n:
        raise ValueError("household keys repeat")
    for name in rule.fields():
        _column(frame, name, n)

    eligible = np.ones(n, dtype=bool)
    failed = np.full(n, -1, dtype=np.int64)
    missing_failed = np.zeros(n, dtype=bool)
    for i, cond in enumerate(rule.conditions):
        col = _column(frame, cond.field, n)
        missing = _missing(col)
        ok = _holds(col, cond) & ~missing
        newly = eligible & ~ok
        failed[newly] = i
        missing_failed[newly & missing] = True
        eligible &= ok

    score = np.zeros(n, dtype=np.float64)
    for term in rule.scorecard:
        col = _column(frame, term.field, n)
        if term.equals is not None:
            score += float(term.weight) * np.asarray(col == term.equals, dtype=np.float64)
        else:
            values = np.asarray(col, dtype=np.float64)
            score += float(term.weight) * np.where(np.isnan(values), 0.0, values)
    # Round away the last bits of float sums, so equal scores tie and the key decides.
    score = np.round(score, 9)

    order = np.lexsort((key_array, -score))
    order = order[eligible[order]]
    rank = np.zeros(n, dtype=np.int64)
    rank[order] = np.arange(1, order.size + 1)

    seats = order.size if rule.max_count is None else min(rule.max_count, order.size)
    selected = np.zeros(n, dtype=bool)
    quota_group = np.full(n, -1, dtype=np.int64)
    outcomes = []
    for qi, quota in enumerate(rule.quotas):
        col = _column(frame, quota.field, n)
        in_group = np.asarray(col == quota.value, dtype=bool)
        required = math.ceil(quota.share * seats)
        group_order = order[in_group[order] & ~selected[order]]
        if rule.max_count is not None:
            chosen = group_order[:required]
            selected[chosen] = True
            quota_group[chosen] = qi
    if rule.max_count is None:
        selected[order] = True
    else:
        rest = order[~selected[order]][: seats - int(selected.sum())]
        selected[rest] = True
    for quota in rule.quotas:
        in_group = np.asarray(_column(frame, quota.field, n) == quota.value, dtype=bool)
        outcomes.append(
            QuotaOutcome(
                quota,
                math.ceil(quota.share * seats),
                int((selected & in_group).sum()),
                int((eligible & in_group).sum()),
            )
        )

    reason = np.full(n, BY_RANK, dtype=object)
    reason[~eligible] = FAILED_CONDITION
    reason[missing_failed] = MISSING_VALUE
    reason[eligible & ~selected] = OVER_MAXIMUM
    reason[quota_group >= 0] = BY_QUOTA
    return EligibilityResult(
        key_array,
        eligible,
        selected,
        failed,
        score,
        rank,
        reason,
        quota_group,
        tuple(outcomes),
        seats,
    )


def frame_fingerprint(
    rule: EligibilityRule,
    parameters: Mapping[str, Any],
    keys: Sequence[int] | npt.ArrayLike,
    frame: Mapping[str, Any],
) -> str:
    """The fingerprint of a rule, its parameters and the households' fields it reads.

    Text columns are hashed as codes into their sorted distinct values (listed in the
    configuration), so the fingerprint does not depend on the households' order.

    Examples
    --------
    >>> rule = EligibilityRule(conditions=(Condition("status", "eq", "host"),))
    >>> a = frame_fingerprint(rule, {}, [1, 2], {"status": ["host", "migrant"]})
    >>> a == frame_fingerprint(rule, {}, [2, 1], {"status": ["migrant", "host"]})
    True
    >>> a == frame_fingerprint(rule, {}, [1, 2], {"status": ["host", "host"]})
    False
    """
    key_array = np.asarray(keys, dtype=np.int64).ravel()
    n = key_array.size
    categories: dict[str, list[Any]] = {}
    values: dict[str, npt.NDArray[np.float64]] = {}
    for name in sorted(rule.fields()):
        col = _column(frame, name, n)
        if col.dtype.kind in "biuf":
            values[name] = col.astype(np.float64)
        else:
            text = np.where(_missing(col), "", col).astype(str)
            distinct, codes = np.unique(text, return_inverse=True)
            categories[name] = distinct.tolist()
            values[name] = codes.astype(np.float64)
    config = {"rule": rule.as_dict(), "parameters": dict(parameters), "categories": categories}
    return fingerprint(config, [str(k) for k in key_array.tolist()], values)
