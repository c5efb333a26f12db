"""Compare two targeting runs side by side."""

from __future__ import annotations

from dataclasses import dataclass

from barrio.core.targeting.run import TargetingRun

__all__ = ["RunComparison", "compare_runs"]


@dataclass(frozen=True)
class RunComparison:
    """Side by side: ``(code, rank in a, rank in b)`` for units in both or only one run."""

    in_both: tuple[tuple[str, int | None, int | None], ...]
    only_a: tuple[tuple[str, int | None, int | None], ...]
    only_b: tuple[tuple[str, int | None, int | None], ...]


def compare_runs(a: TargetingRun, b: TargetingRun) -> RunComparison:
    """List the units selected by both runs, only by ``a`` and only by ``b``.

    Parameters
    ----------
    a, b : TargetingRun
        Two runs, usually over the same units with different rules or data.

    Returns
    -------
    RunComparison
        Each entry is ``(code, rank in a, rank in b)`` (``None`` when the unit was not
        eligible, or absent, in that run); ``in_both`` is in ``a``'s selection order,
        ``only_a`` in ``a``'s and ``only_b`` in ``b``'s.

    Examples
    --------
    >>> from barrio.core.targeting import TargetingRule, TargetingUnit, run_targeting
    >>> units = [TargetingUnit(c, v) for c, v in [("a", 3), ("b", 2), ("c", 1)]]
    >>> r1 = run_targeting(units, TargetingRule(max_units=2))
    >>> r2 = run_targeting(units, TargetingRule(direction="lower_first", max_units=2))
    >>> compare_runs(r1, r2)
    RunComparison(in_both=(('b', 2, 2),), only_a=(('a', 1, 3),), only_b=(('c', 3, 1),))
    """
    rank_a = {d.code: d.rank for d in a.decisions}
    rank_b = {d.code: d.rank for d in b.decisions}
    sel_b = set(b.selected)
    sel_a = set(a.selected)
    return RunComparison(
        tuple((c, rank_a.get(c), rank_b.get(c)) for c in a.selected if c in sel_b),
        tuple((c, rank_a.get(c), rank_b.get(c)) for c in a.selected if c not in sel_b),
        tuple((c, rank_a.get(c), rank_b.get(c)) for c in b.selected if c not in sel_a),
    )
