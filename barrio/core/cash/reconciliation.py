"""Reconciliation: check a provider's result file against the payments sent, and the sums.

Every row of the file is checked before anything is applied; a problem is reported as
``(row, column, code)`` (row 2 is the first after the header, as spreadsheets count).
Codes: ``missing_column``, ``unknown_payment``, ``repeated``, ``not_sent``,
``amount_format``, ``above_entitlement``, ``currency_mismatch``, ``date_format``,
``failure_without_reason``, ``already_reconciled`` (a different result was recorded
before; the same result again is fine, so importing a file twice changes nothing).

The sums hold to the cent for any grouping: entitled = delivered + undelivered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np
import numpy.typing as npt

__all__ = [
    "COLUMNS",
    "Expected",
    "Result",
    "check_results",
    "parse_cents",
    "sample_for_verification",
    "totals",
]

#: The columns of a result file (``currency`` optional: checked when present).
COLUMNS = ("reference", "delivered_amount", "delivered_on", "failure_reason")


@dataclass(frozen=True, slots=True)
class Expected:
    """What Barrio sent for a reference, and any result already recorded."""

    amount_cents: int
    currency: str
    sent: bool
    delivered_cents: int | None = None
    delivered_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """A checked row: what the provider delivered (0 and a reason when it failed)."""

    reference: str
    delivered_cents: int
    delivered_on: dt.date | None
    failure_reason: str
    unchanged: bool


def parse_cents(text: str) -> int | None:
    """An amount written with a dot or a comma for decimals, as cents; ``None`` if invalid.

    >>> parse_cents("250"), parse_cents("250.5"), parse_cents("1,05"), parse_cents("1.005")
    (25000, 25050, 105, None)
    >>> parse_cents("-3"), parse_cents("abc")
    (None, None)
    """
    cleaned = text.strip().replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        return None
    return int(amount * 100)


def check_results(
    rows: Sequence[Mapping[str, str]],
    expected: Mapping[str, Expected],
    *,
    lines: Sequence[int] | None = None,
) -> tuple[list[Result], list[tuple[int, str, str]]]:
    """Check every row of a result file against the payments sent.

    ``lines`` gives each row's line in the file (default: 2, 3, ... after one header).
    Returns the results and the problems; apply the results only if there is no problem.

    Examples
    --------
    >>> sent = {"P1-H1": Expected(25000, "PEN", True), "P1-H2": Expected(30000, "PEN", True)}
    >>> ok, problems = check_results(
    ...     [{"reference": "P1-H1", "delivered_amount": "250", "delivered_on": "2026-05-03"},
    ...      {"reference": "P1-H2", "delivered_amount": "0", "failure_reason": "cuenta cerrada"}],
    ...     sent)
    >>> [(r.reference, r.delivered_cents) for r in ok], problems
    ([('P1-H1', 25000), ('P1-H2', 0)], [])
    >>> _, problems = check_results(
    ...     [{"reference": "P9-H9", "delivered_amount": "1"},
    ...      {"reference": "P1-H1", "delivered_amount": "251"},
    ...      {"reference": "P1-H2", "delivered_amount": "300", "currency": "USD"}], sent)
    >>> for problem in problems:
    ...     print(problem)
    (2, 'reference', 'unknown_payment')
    (3, 'delivered_amount', 'above_entitlement')
    (4, 'currency', 'currency_mismatch')
    """
    results: list[Result] = []
    problems: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        line = lines[index] if lines is not None else index + 2
        reference = str(row.get("reference") or "").strip()
        found = expected.get(reference)
        if found is None:
            problems.append((line, "reference", "unknown_payment"))
            continue
        if reference in seen:
            problems.append((line, "reference", "repeated"))
            continue
        seen.add(reference)
        if not found.sent:
            problems.append((line, "reference", "not_sent"))
            continue
        currency = str(row.get("currency") or "").strip().upper()
        if currency and currency != found.currency:
            problems.append((line, "currency", "currency_mismatch"))
            continue
        cents = parse_cents(str(row.get("delivered_amount") or ""))
        if cents is None:
            problems.append((line, "delivered_amount", "amount_format"))
            continue
        if cents > found.amount_cents:
            problems.append((line, "delivered_amount", "above_entitlement"))
            continue
        when_text = str(row.get("delivered_on") or "").strip()
        when = None
        if when_text:
            try:
                when = dt.date.fromisoformat(when_text)
            except ValueError:
                problems.append((line, "delivered_on", "date_format"))
                continue
        reason = str(row.get("failure_reason") or "").strip()
        if cents == 0 and not reason:
            problems.append((line, "failure_reason", "failure_without_reason"))
            continue
        unchanged = found.delivered_cents == cents and found.delivered_on == when
        if found.delivered_cents is not None and not unchanged:
            problems.append((line, "reference", "already_reconciled"))
            continue
        results.append(Result(reference, cents, when, reason[:200], unchanged))
    return results, problems


def totals(
    groups: Sequence[str], entitled: npt.ArrayLike, delivered: npt.ArrayLike
) -> dict[str, tuple[int, int, int]]:
    """Entitled, delivered and undelivered cents per group (exact integers).

    >>> totals(["Lima", "Lima", "Callao"], [100, 200, 300], [100, 50, 0])
    {'Callao': (300, 0, 300), 'Lima': (300, 150, 150)}
    """
    names = np.asarray(groups, dtype=object)
    owed = np.asarray(entitled, dtype=np.int64)
    paid = np.asarray(delivered, dtype=np.int64)
    if not (names.size == owed.size == paid.size):
        raise ValueError("groups, entitled and delivered have different lengths")
    if (paid > owed).any() or (paid < 0).any():
        raise ValueError("a delivered amount is negative or above its entitlement")
    distinct, inverse = np.unique(names.astype(str), return_inverse=True)
    out: dict[str, tuple[int, int, int]] = {}
    for i, name in enumerate(distinct.tolist()):
        mask = inverse == i
        e, d = int(owed[mask].sum()), int(paid[mask].sum())
        out[name] = (e, d, e - d)
    return out


def sample_for_verification(references: Sequence[str], size: int, seed: int) -> list[str]:
    """A seeded random sample of ``size`` references to contact, whatever their order.

    >>> sample_for_verification(["c", "a", "b"], 2, seed=1) == sample_for_verification(
    ...     ["b", "c", "a"], 2, seed=1)
    True
    """
    if size < 0:
        raise ValueError("the sample size cannot be negative")
    pool = sorted(set(references))
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(pool), size=min(size, len(pool)), replace=False)
    return [pool[i] for i in sorted(chosen.tolist())]
