"""What a person asks for when they run a targeting or split a budget: plain, typed data.

Pages build these from their forms, the API from its schemas and the commands from their
options; the services check them against the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal


@dataclass(frozen=True)
class TargetingSpec:
    """The parameters of a targeting run.

    ``direction`` empty follows the indicator (higher first when higher is worse, lower first
    when higher is better). Strata are computed over the candidates with ``classification``
    in ``classes`` classes; ``strata`` empty keeps every stratum. ``group_level`` names the
    level of the areas that quotas count in (e.g. the municipalities of the colonias), and
    ``areas`` limits the run to some of those areas.
    """

    name: str
    level: str
    indicator: str
    period: str
    direction: Literal["", "higher_first", "lower_first"] = ""
    classification: Literal["quantiles", "equal_interval", "fisher_jenks"] = "quantiles"
    classes: int = 5
    strata: tuple[str, ...] = ()
    population_indicator: str = ""
    population_period: str = ""
    min_population: int | None = None
    max_population: int | None = None
    group_level: str = ""
    areas: tuple[str, ...] = ()
    at_least_per_group: int = 0
    at_most_per_group: int | None = None
    max_units: int | None = None
    budget_cents: int | None = None
    cost_per_unit_cents: int = 0
    tie_break: Literal["code", "lot"] = "code"
    seed: int | None = None


@dataclass(frozen=True)
class ComponentSpec:
    """One term of an apportionment formula.

    ``kind`` ``population`` and ``need`` read ``indicator`` for ``period``; ``equal`` gives
    every unit the same weight. A need indicator where higher is better is turned around
    (the best-off unit weighs nothing), so that more need always means more money.
    """

    kind: Literal["population", "need", "equal"]
    share: Fraction
    indicator: str = ""
    period: str = ""


@dataclass(frozen=True)
class ApportionmentSpec:
    """An amount to split among units (those of an approved run, or all at one level)."""

    name: str
    total_cents: int
    components: tuple[ComponentSpec, ...]
    floor_cents: int = 0
    targeting_run: int | None = None
    level: str = ""
    tie_break: Literal["code", "lot"] = "code"
    seed: int | None = None
