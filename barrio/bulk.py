"""Write many rows of one table at once: indicator values, targeting decisions.

Django's ``bulk_create`` builds a model instance for every row and prepares every field of
every row in Python, some 30–60 µs a row: seconds for the 70,000 scores of an index or the
70,000 decisions of a targeting run. :func:`bulk_insert` sends plain tuples, a batch per
``executemany``, and converts only the fields whose database form differs from the Python
value (JSON, dates, …) with the field's own ``get_db_prep_save``, so it works on SQLite and
PostgreSQL alike. Like ``bulk_create`` it sends no signal and calls no ``save()``; unlike it,
it fills in no default: every column not named must be nullable or have a database default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from itertools import islice
from typing import Any

from django.db import connections, models, router

#: Fields whose Python values the database drivers take as they are.
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "SlugField",
    "TextField",
}


def _to_db(field: models.Field[Any, Any], connection: Any, value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def _converter(field: models.Field[Any, Any], connection: Any) -> Callable[[Any], Any] | None:
    """How a value of ``field`` becomes a parameter (``None``: as it is)."""
    kind = field.get_internal_type()
    if kind in _PLAIN:
        return None
    if kind == "JSONField":
        # The step get_db_prep_save ends with, without the layers above it.
        return partial(connection.ops.adapt_json_value, encoder=field.encoder)  # type: ignore[attr-defined]
    return partial(_to_db, field, connection)


def bulk_insert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    batch_size: int = 5000,
) -> int:
    """Insert ``rows`` (one value per name in ``fields``) into ``model``'s table.

    A foreign key is named by its field (``"unit"``) and given as the related id. Returns
    the number of rows written. Runs in the caller's transaction; a failing row (a broken
    constraint) raises the database's ``IntegrityError`` like ``bulk_create`` does.
    """
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    concrete: list[models.Field[Any, Any]] = []
    for name in fields:
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field) or not field.column:
            raise ValueError(f"{model.__name__}.{name} is not a column")
        concrete.append(field)
    columns = ", ".join(quote(field.column) for field in concrete)
    placeholders = ", ".join(["%s"] * len(concrete))
    # Table and column names come from the model, quoted; values are parameters.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    converters = [
        (i, convert)
        for i, field in enumerate(concrete)
        if (convert := _converter(field, connection))
    ]
    if not converters:
        prepare: Callable[[Sequence[Any]], Sequence[Any]] = tuple
    else:

        def prepare(row: Sequence[Any]) -> Sequence[Any]:
            out = list(row)
            for i, convert in converters:
                out[i] = convert(out[i])
            return out

    written = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while batch := [prepare(row) for row in islice(iterator, batch_size)]:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written
