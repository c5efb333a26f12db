"""The profile of a unit in a composite index: its score in each dimension, beside the median."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from barrio.core.indices import Group, compute_index
from barrio.core.indices.spec_data import spec_from_data
from barrio.territories.models import (
    CompositeIndex,
    IndexRun,
    Indicator,
    IndicatorValue,
    TerritorialUnit,
)

__all__ = ["CHART_LEFT", "Dimension", "IndexProfile", "index_profiles"]

#: Where the bars of the profile chart start (the dimension names stand left of it).
CHART_LEFT = 160


@dataclass(frozen=True)
class Dimension:
    """One dimension of the index (a child of its root): this unit's score and the median."""

    code: str
    name: str
    score: float | None
    median: float

    @property
    def score_width(self) -> float:
        """The bar length of the score on a 0–100 axis drawn 200 wide."""
        return 0.0 if self.score is None else round(2 * max(0.0, min(100.0, self.score)), 1)

    @property
    def median_x(self) -> float:
        """Where the median mark stands, the axis starting at ``CHART_LEFT``."""
        return CHART_LEFT + round(2 * max(0.0, min(100.0, self.median)), 1)

    @property
    def label_x(self) -> float:
        """Where the score is written, right of the axis."""
        return CHART_LEFT + 206


@dataclass(frozen=True)
class IndexProfile:
    """A unit's index score and its dimensions, from the index's latest computation."""

    index: CompositeIndex
    period: str
    score: float
    dimensions: tuple[Dimension, ...]


def _recompute(run: IndexRun, index: CompositeIndex, unit: TerritorialUnit) -> IndexProfile | None:
    """Recompute ``run`` over the units it scored; ``None`` unless it gives the stored score."""
    spec = spec_from_data(run.spec)
    scored = dict(
        IndicatorValue.objects.filter(
            indicator=index.indicator, period=run.period, group=""
        ).values_list("unit_id", "value")
    )
    if unit.pk not in scored:
        return None
    ids = sorted(scored)
    position = {unit_id: i for i, unit_id in enumerate(ids)}
    columns: dict[str, np.ndarray] = {}
    for code, period in run.input_periods.items():
        column = np.full(len(ids), np.nan)
        rows = IndicatorValue.objects.filter(
            indicator__code=code, period=period, group="", unit_id__in=ids
        ).values_list("unit_id", "value")
        for unit_id, value in rows:
            column[position[unit_id]] = value
        columns[code] = column
    try:
        result = compute_index(spec, [str(i) for i in ids], columns)
    except ValueError:
        return None
    mine = position[unit.pk]
    if not math.isclose(float(result.scores[mine]), scored[unit.pk], abs_tol=1e-6):
        # The inputs changed since the computation: a profile would not explain the score.
        return None
    names = dict(Indicator.objects.values_list("code", "name"))
    dimensions = []
    for child in spec.root.children:
        values = result.nodes[child.code]
        own = float(values[mine])
        name = names.get(child.code, child.code)
        if isinstance(child, Group):
            name = child.code.replace("_", " ").capitalize()
        dimensions.append(
            Dimension(
                code=child.code,
                name=name,
                score=None if math.isnan(own) else own,
                median=float(np.nanmedian(values)),
            )
        )
    return IndexProfile(index, run.period, scored[unit.pk], tuple(dimensions))


def index_profiles(unit: TerritorialUnit) -> list[IndexProfile]:
    """The profile of ``unit`` in every composite index that scored it, newest run each.

    A profile is shown only when recomputing the stored run gives the unit's stored score,
    so that the dimensions always explain the number on the page.
    """
    profiles = []
    indices = CompositeIndex.objects.filter(
        indicator__values__unit=unit, indicator__values__group=""
    ).distinct()
    for index in indices.select_related("indicator"):
        run = index.runs.order_by("-created_at", "-pk").first()
        if run is None:
            continue
        profile = _recompute(run, index, unit)
        if profile is not None:
            profiles.append(profile)
    return profiles
