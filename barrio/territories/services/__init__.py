"""Services that change territories: units, their files, and indicators."""

from barrio.territories.services.indicators import (
    IndicatorImportReport,
    indicator_define,
    indicator_derive_rate,
    indicators_define_from_table,
    indicators_import,
)
from barrio.territories.services.indices import index_compute, index_define
from barrio.territories.services.units import (
    UnitImportReport,
    unit_create,
    units_import,
)

__all__ = [
    "IndicatorImportReport",
    "UnitImportReport",
    "index_compute",
    "index_define",
    "indicator_define",
    "indicator_derive_rate",
    "indicators_define_from_table",
    "indicators_import",
    "unit_create",
    "units_import",
]
