"""Find the records of the same person: splink with an embedded DuckDB, plain data in and out.

See ``docs/deduplication.md`` for the model, the figures measured and how to run the same
settings on Spark. The record schema is described in :mod:`barrio.core.dedupe.schema`.
"""

from barrio.core.dedupe.engine import (
    DedupeSettings,
    Matches,
    TrainedModel,
    dedupe_within,
    link_new,
    train_model,
)
from barrio.core.dedupe.model import splink_settings
from barrio.core.dedupe.schema import PREPARED_COLUMNS, RECORD_COLUMNS, prepare_records
from barrio.core.dedupe.synthetic import generate_registry, true_pairs

__all__ = [
    "PREPARED_COLUMNS",
    "RECORD_COLUMNS",
    "DedupeSettings",
    "Matches",
    "TrainedModel",
    "dedupe_within",
    "generate_registry",
    "link_new",
    "prepare_records",
    "splink_settings",
    "train_model",
    "true_pairs",
]
