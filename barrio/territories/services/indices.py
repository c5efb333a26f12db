"""Services that define composite indices and compute them over units."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from barrio.bulk import bulk_insert_columns
from barrio.core.indices import compute_index
from barrio.core.indices.spec_data import leaf_codes, spec_from_data, spec_to_data
from barrio.errors import FieldError, ValidationFailed
from barrio.territories.maps import unit_value_column
from barrio.territories.models import (
    CompositeIndex,
    IndexRun,
    Indicator,
    IndicatorValue,
    TerritorialUnit,
)


def _spec(data: Mapping[str, Any]) -> Any:
    try:
        return spec_from_data(data)
    except (ValueError, TypeError, KeyError) as error:
        raise ValidationFailed(
            errors=[FieldError(("spec",), str(error))], code="invalid_index"
        ) from error


@transaction.atomic
def index_define(
    *, code: str, name: str, spec: Mapping[str, Any], description: str = "", source: str = ""
) -> CompositeIndex:
    """Create or change the index ``code`` from its configuration as plain data.

    The scores become the values of an indicator with the same code (kind ``index``, 0–100,
    the direction of the index's orientation), so they can be mapped, classified and used for
    targeting like any other indicator. Raises :class:`ValidationFailed` for a malformed
    configuration or one naming unknown indicators.
    """
    parsed = _spec({**spec, "code": code})
    known = set(
        Indicator.objects.filter(code__in=leaf_codes(parsed)).values_list("code", flat=True)
    )
    unknown = [c for c in leaf_codes(parsed) if c not in known]
    if unknown:
        raise ValidationFailed(
            errors=[
                FieldError(
                    ("spec", "indicator", c), _("No indicator has the code %(code)s.") % {"code": c}
                )
                for c in unknown
            ],
            code="invalid_index",
        )
    indicator, _created = Indicator.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "measure": "0–100",
            "source": source or _("Composite index computed by Barrio"),
            "direction": parsed.orientation,
            "kind": Indicator.Kind.INDEX,
            "description": description,
        },
    )
    index, _created = CompositeIndex.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "description": description,
            "spec": spec_to_data(parsed),
            "indicator": indicator,
        },
    )
    return index


@transaction.atomic
def index_compute(
    *,
    index: CompositeIndex,
    units: Sequence[TerritorialUnit] | QuerySet[TerritorialUnit],
    period: str,
    input_periods: Mapping[str, str],
    actor: User | AnonymousUser | None = None,
) -> IndexRun:
    """Compute ``index`` over ``units`` and store the scores as values of its indicator.

    ``units`` may be a queryset, which is read as plain rows (the fastest for many units).

    ``input_periods`` gives the period to read for each indicator of the index. The scores
    replace those of the same period and units; the run keeps the configuration and the
    fingerprint of its inputs, so the same inputs give the same run again. Raises
    :class:`ValidationFailed` when a period is missing for an indicator or the core refuses
    the data (e.g. a constant indicator without goal-posts).
    """
    spec = _spec(index.spec)
    leaves = leaf_codes(spec)
    missing = [c for c in leaves if not input_periods.get(c)]
    if missing:
        raise ValidationFailed(
            errors=[
                FieldError(("input_periods", c), _("Give the period of this indicator."))
                for c in missing
            ]
        )
    # Plain (id, code) rows: a queryset of 70,000 units is read without building instances.
    rows = (
        list(units.order_by().values_list("pk", "code"))
        if isinstance(units, QuerySet)
        else [(unit.pk, unit.code) for unit in units]
    )
    rows.sort(key=lambda row: row[1])
    if not rows:
        raise ValidationFailed(errors=[FieldError(("units",), _("There is no unit to compute."))])
    ids = [pk for pk, _code in rows]
    indicator_ids = dict(Indicator.objects.filter(code__in=leaves).values_list("code", "pk"))
    columns = {
        code: unit_value_column(
            indicator=indicator_ids.get(code, 0), unit_ids=ids, period=input_periods[code]
        )
        for code in leaves
    }
    try:
        result = compute_index(spec, [code for _pk, code in rows], columns)
    except ValueError as error:
        raise ValidationFailed(
            errors=[FieldError(("spec",), str(error))], code="invalid_index"
        ) from error
    scores = result.scores
    # Replace the scores of these units for the period (a queryset in one statement, a list
    # by id in batches under the limit of query parameters), then write the new ones.
    stale = IndicatorValue.objects.filter(indicator=index.indicator, period=period)
    if isinstance(units, QuerySet):
        stale.filter(unit__in=units.order_by().values("pk")).delete()  # one statement
    else:
        for start in range(0, len(ids), 900):
            stale.filter(unit_id__in=ids[start : start + 900]).delete()
    present = ~np.isnan(scores)  # NaN: no score for this unit
    kept = int(np.count_nonzero(present))
    bulk_insert_columns(
        IndicatorValue,
        {
            "indicator": [index.indicator_id] * kept,
            "unit": np.asarray(ids, dtype=np.int64)[present].tolist(),
            "period": [period] * kept,
            "group": [""] * kept,
            "value": scores[present].tolist(),
        },
    )
    return IndexRun.objects.create(
        index=index,
        period=period,
        input_periods=dict(input_periods),
        spec=index.spec,
        fingerprint=result.fingerprint,
        unit_count=len(rows),
        scored_count=kept,
        computed_by=actor if isinstance(actor, User) else None,
    )
