"""Entitlements: how much each household receives in a cycle, in exact integer cents.

A formula is ``base + per member × members + per child × children + expression``, capped.
The amounts are integer cents; the optional expression is in the currency's units (``50 +
10 * min(children, 3)`` soles) and is computed as a :class:`~fractions.Fraction`, then
rounded half up to the cent. It is parsed with Python's :mod:`ast` and only a whitelist is
accepted: numbers, the household variables of :data:`VARIABLES`, ``+ - * /``, unary minus,
``min`` and ``max``. Anything else (a call, an attribute, a power, a comparison) is refused
when the formula is made, and a division by zero when it is applied, each naming the
formula. Nothing is ever evaluated by ``eval``.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "CURRENCIES",
    "VARIABLES",
    "Formula",
    "check_expression",
    "entitlements",
    "evaluate_expression",
    "round_half_up",
    "to_eur_cents",
]

#: Currencies a cycle may pay in.
CURRENCIES = ("PEN", "COP", "USD")

#: Names a formula may use: counts of a household's members.
VARIABLES = ("members", "children", "under_5", "over_60", "disabled", "pregnant")

_BINARY = {ast.Add, ast.Sub, ast.Mult, ast.Div}
_FUNCTIONS = {"min", "max"}


def round_half_up(value: Fraction) -> int:
    """Round a fraction to the nearest integer, halves away from zero.

    >>> round_half_up(Fraction(5, 2)), round_half_up(Fraction(-5, 2)), round_half_up(Fraction(7, 3))
    (3, -3, 2)
    """
    sign = -1 if value < 0 else 1
    whole, rest = divmod(abs(value.numerator), value.denominator)
    return sign * (whole + (1 if 2 * rest >= value.denominator else 0))


def check_expression(text: str) -> ast.Expression:
    """Parse ``text`` and check that it uses only the whitelist; return the tree.

    Raises
    ------
    ValueError
        Naming the formula and what in it is not allowed.

    Examples
    --------
    >>> _ = check_expression("50 + 10 * min(children, 3)")
    >>> check_expression("__import__('os')")
    Traceback (most recent call last):
    ...
    ValueError: formula "__import__('os')": only min and max may be called
    >>> check_expression("members ** 2")
    Traceback (most recent call last):
    ...
    ValueError: formula 'members ** 2': only + - * / are allowed
    >>> check_expression("rent * 2")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: formula 'rent * 2': unknown name 'rent' (known: members, children, ...)
    """
    if len(text) > 500:
        raise ValueError("formula: longer than 500 characters")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise ValueError(f"formula {text!r}: not a valid expression") from None

    def check(node: ast.AST) -> None:
        if isinstance(node, ast.Expression):
            check(node.body)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise ValueError(f"formula {text!r}: only numbers are allowed as constants")
        elif isinstance(node, ast.Name):
            if node.id not in VARIABLES:
                raise ValueError(
                    f"formula {text!r}: unknown name {node.id!r} (known: {', '.join(VARIABLES)})"
                )
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise ValueError(f"formula {text!r}: only + - * / are allowed")
            check(node.left)
            check(node.right)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                raise ValueError(f"formula {text!r}: only + - * / are allowed")
            check(node.operand)
        elif isinstance(node, ast.Call):
            if (
                not isinstance(node.func, ast.Name)
                or node.func.id not in _FUNCTIONS
                or node.keywords
                or len(node.args) < 2
            ):
                raise ValueError(f"formula {text!r}: only min and max may be called")
            for arg in node.args:
                check(arg)
        else:
            raise ValueError(f"formula {text!r}: {type(node).__name__} is not allowed")

    check(tree)
    return tree


def evaluate_expression(text: str, variables: Mapping[str, int | Fraction]) -> Fraction:
    """The exact value of a checked formula for one household's variables.

    Raises
    ------
    ValueError
        If the formula is not allowed, a variable is missing, or it divides by zero.

    Examples
    --------
    >>> evaluate_expression("100 / 3 + max(members, 2)", {"members": 1})
    Fraction(106, 3)
    >>> evaluate_expression("100 / (children - 1)", {"children": 1})
    Traceback (most recent call last):
    ...
    ValueError: formula '100 / (children - 1)' divides by zero for children=1
    """
    tree = check_expression(text)

    def value(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Constant):
            return Fraction(str(node.value))
        if isinstance(node, ast.Name):
            if node.id not in variables:
                raise ValueError(f"formula {text!r}: no value for {node.id!r}")
            return Fraction(variables[node.id])
        if isinstance(node, ast.UnaryOp):
            inner = value(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.Call):
            args = [value(arg) for arg in node.args]
            return min(args) if node.func.id == "min" else max(args)  # type: ignore[attr-defined]
        assert isinstance(node, ast.BinOp)
        left, right = value(node.left), value(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            given = ", ".join(f"{k}={variables[k]}" for k in VARIABLES if k in variables)
            raise ValueError(f"formula {text!r} divides by zero for {given}")
        return left / right

    return value(tree.body)


@dataclass(frozen=True)
class Formula:
    """``base + per member × members + per child × children + expression``, at most ``cap``.

    Amounts in cents; ``expression`` (optional) in the currency's units.
    """

    currency: str
    base_cents: int = 0
    per_member_cents: int = 0
    per_child_cents: int = 0
    expression: str = ""
    cap_cents: int | None = None

    def __post_init__(self) -> None:
        if self.currency not in CURRENCIES:
            raise ValueError(f"currency {self.currency!r} is not one of {', '.join(CURRENCIES)}")
        for name in ("base_cents", "per_member_cents", "per_child_cents"):
            amount = getattr(self, name)
            if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
                raise ValueError(f"{name} must be a whole number of cents, not negative")
        if self.cap_cents is not None and self.cap_cents < 0:
            raise ValueError("cap_cents cannot be negative")
        if self.expression:
            check_expression(self.expression)

    def as_dict(self) -> dict[str, Any]:
        """The formula as JSON-ready data."""
        return {
            "currency": self.currency,
            "base_cents": self.base_cents,
            "per_member_cents": self.per_member_cents,
            "per_child_cents": self.per_child_cents,
            "expression": self.expression,
            "cap_cents": self.cap_cents,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Formula:
        """Build a formula from :meth:`as_dict`'s form; ``ValueError`` names what is wrong."""
        try:
            return cls(
                currency=str(data["currency"]),
                base_cents=data.get("base_cents", 0),
                per_member_cents=data.get("per_member_cents", 0),
                per_child_cents=data.get("per_child_cents", 0),
                expression=str(data.get("expression") or ""),
                cap_cents=data.get("cap_cents"),
            )
        except (KeyError, TypeError):
            raise ValueError("a formula needs a currency and whole amounts in cents") from None

    def amount(self, variables: Mapping[str, int]) -> int:
        """The entitlement of one household, in cents.

        >>> f = Formula("PEN", base_cents=20000, per_child_cents=5000, cap_cents=30000)
        >>> f.amount({"members": 4, "children": 1}), f.amount({"members": 6, "children": 4})
        (25000, 30000)
        >>> Formula("PEN", expression="100 / 3").amount({})
        3333
        """
        total = Fraction(
            self.base_cents
            + self.per_member_cents * variables.get("members", 0)
            + self.per_child_cents * variables.get("children", 0)
        )
        if self.expression:
            total += evaluate_expression(self.expression, variables) * 100
        cents = round_half_up(total)
        if cents < 0:
            given = ", ".join(f"{k}={variables[k]}" for k in VARIABLES if k in variables)
            raise ValueError(f"the formula gives a negative amount for {given}")
        if self.cap_cents is not None:
            cents = min(cents, self.cap_cents)
        return cents


def entitlements(formula: Formula, frame: Mapping[str, npt.ArrayLike]) -> npt.NDArray[np.int64]:
    """The entitlement in cents of every household of ``frame`` (columns of :data:`VARIABLES`).

    The formula is evaluated once per distinct combination of the variables it may read
    (households are few kinds: sizes and counts of children), so 50,000 households cost a
    few hundred exact evaluations.

    Raises
    ------
    ValueError
        If a column is missing or of the wrong length, or the formula fails (naming it).

    Examples
    --------
    >>> f = Formula("PEN", base_cents=10000, per_member_cents=2500)
    >>> entitlements(f, {"members": [1, 3, 1], "children": [0, 1, 0]}).tolist()
    [12500, 17500, 12500]
    """
    names = [name for name in VARIABLES if name in frame]
    for needed in ("members", "children"):
        if needed not in frame:
            raise ValueError(f"the households have no column {needed!r}")
    columns = [np.asarray(frame[name], dtype=np.int64).ravel() for name in names]
    n = columns[0].size
    if any(col.size != n for col in columns):
        raise ValueError("the columns of the households have different lengths")
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    stacked = np.stack(columns, axis=1)
    distinct, inverse = np.unique(stacked, axis=0, return_inverse=True)
    amounts = np.asarray(
        [formula.amount(dict(zip(names, row.tolist(), strict=True))) for row in distinct],
        dtype=np.int64,
    )
    return amounts[inverse.ravel()]


def to_eur_cents(cents: int, eur_per_unit: Fraction) -> int:
    """Convert an amount to euro cents at a rate (euros for one unit of the currency).

    >>> to_eur_cents(100_000, Fraction("0.2451"))
    24510
    >>> to_eur_cents(1, Fraction("0.005"))
    0
    """
    if eur_per_unit <= 0:
        raise ValueError("an exchange rate must be positive")
    return round_half_up(cents * eur_per_unit)
