"""Targeting runs: choose the units of a programme by eligibility, rank, quotas and limits.

Algorithm
---------
1. **Eligibility.** A unit is eligible when it has an index value, its stratum is among
   the allowed strata, its population is within the bounds and its parent is among the
   allowed parents (each filter only when given). The first failing filter is its reason.
2. **Ranking.** Eligible units are ranked by value (``higher_first`` or ``lower_first``);
   equal values are ordered by code, or by a seeded lot over the sorted codes, so the
   ranks never depend on the input order. Rank 1 is the first priority.
3. **Feasibility.** Every minimum quota must fit: ``at_least <= at_most``, no more than the
   eligible units of its group, the minimums together within the count limit, and the
   units the minimums pick (below) within the budget. Otherwise ``ValueError`` names the
   quota. Minimums are filled with the best-ranked units of each group rather than the
   cheapest: swapping a needier unit for a cheaper one would contradict the ranking, so an
   unaffordable minimum is for a person to resolve.
4. **Minimums first.** For each group with ``at_least = m``, its ``m`` best-ranked eligible
   units are selected. Groups are disjoint, so this meets every minimum and, as
   ``m <= at_most``, breaks no maximum.
5. **Then by rank.** The other eligible units are taken in rank order while the count limit,
   the group's maximum and the remaining budget allow. A unit that does not fit is skipped
   with its reason and the next one is tried (a cheaper unit further down may still fit).

Every constraint is checked before each addition in step 5 and guaranteed by step 3 in
step 4, so a run that returns respects every quota and limit.
"""

from barrio.core.targeting.columns import TargetingColumns, TargetingTable, run_targeting_columns
from barrio.core.targeting.compare import RunComparison, compare_runs
from barrio.core.targeting.run import (
    Decision,
    Quota,
    TargetingRule,
    TargetingRun,
    TargetingUnit,
    run_targeting,
)

__all__ = [
    "Decision",
    "Quota",
    "RunComparison",
    "TargetingColumns",
    "TargetingRule",
    "TargetingRun",
    "TargetingTable",
    "TargetingUnit",
    "compare_runs",
    "run_targeting",
    "run_targeting_columns",
]
