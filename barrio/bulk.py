"""Write many rows of one table at once: indicator values, targeting decisions.

Django's ``bulk_create`` builds a model instance for every row and prepares every field of
every row in Python, some 30–60 µs a row: seconds for the 70,000 scores of an index or the
70,000 decisions of a targeting run. :func:`bulk_insert` sends plain tuples, a batch per
``executemany``, and converts only the fields whose database form differs from the Python
value (JSON, dates, …) with the field's own ``get_db_prep_save``, so it works on SQLite and
PostgreSQL alike. Like ``bulk_create`` it sends no signal and calls no ``save()``; unlike it,
it fills in no default: every column not named must be nullable or have a database default.

Two things make it fast: each statement inserts many rows (``VALUES (…), (…), …`` up to the
database's limit of parameters: on SQLite a third of the time of one row per statement), and
a JSON value is encoded once per object, however many rows share it (70,000 targeting
decisions hold a few hundred distinct explanations).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from itertools import chain, islice
from typing import Any

from django.db import connections, models, router

from barrio.crypto import EncryptedTextField

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


#: At most this many rows in one ``INSERT`` (fewer when the database limits parameters).
ROWS_PER_STATEMENT = 500


def _to_db(field: models.Field[Any, Any], connection: Any, value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def _converter(field: models.Field[Any, Any], connection: Any) -> Callable[[Any], Any] | None:
    """How a value of ``field`` becomes a parameter (``None``: as it is)."""
    kind = field.get_internal_type()
    if kind in _PLAIN and not isinstance(field, EncryptedTextField):
        return None
    if kind == "JSONField":
        # The step get_db_prep_save ends with, without the layers above it.
        return _once_per_object(
            partial(connection.ops.adapt_json_value, encoder=field.encoder)  # type: ignore[attr-defined]
        )
    return partial(_to_db, field, connection)


def _once_per_object(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert``, computed once per value object (rows often share one mapping).

    The cache holds each object it saw, so no other object can take its ``id`` meanwhile.
    """
    seen: dict[int, tuple[Any, Any]] = {}

    def once(value: Any) -> Any:
        hit = seen.get(id(value))
        if hit is None or hit[0] is not value:
            hit = seen[id(value)] = (value, convert(value))
        return hit[1]

    return once


class _Insert:
    """The ``INSERT`` statements of ``fields`` of ``model``, and how to fill them."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.connection = connection = connections[router.db_for_write(model)]
        quote = connection.ops.quote_name
        concrete: list[models.Field[Any, Any]] = []
        for name in fields:
            field = model._meta.get_field(name)
            if not isinstance(field, models.Field) or not field.column:
                raise ValueError(f"{model.__name__}.{name} is not a column")
            concrete.append(field)
        columns = ", ".join(quote(field.column) for field in concrete)
        # Table and column names come from the model, quoted; values are parameters.
        self.head = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
        self.row_sql = "(" + ", ".join(["%s"] * len(concrete)) + ")"
        limit = connection.features.max_query_params or ROWS_PER_STATEMENT * len(concrete)
        self.per_statement = max(1, min(ROWS_PER_STATEMENT, limit // len(concrete)))
        self.converters = [
            (i, convert)
            for i, field in enumerate(concrete)
            if (convert := _converter(field, connection))
        ]

    def sql(self, rows: int) -> str:
        return self.head + ", ".join([self.row_sql] * rows)

    def write(self, cursor: Any, batch: Sequence[Sequence[Any]]) -> None:
        """Insert the prepared rows of ``batch``, as many per statement as allowed."""
        per_statement, flat = self.per_statement, chain.from_iterable
        full = len(batch) - len(batch) % per_statement
        if full:
            cursor.executemany(
                self.sql(per_statement),
                [
                    tuple(flat(batch[start : start + per_statement]))
                    for start in range(0, full, per_statement)
                ],
            )
        if full < len(batch):
            cursor.execute(self.sql(len(batch) - full), tuple(flat(batch[full:])))


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
    constraint) raises the database's ``IntegrityError`` like ``bulk_create`` does. A JSON
    value given for several rows is the same object each time: it must not change while
    the rows are read.
    """
    insert = _Insert(model, fields)
    converters = insert.converters
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
    with insert.connection.cursor() as cursor:
        while batch := [prepare(row) for row in islice(iterator, batch_size)]:
            insert.write(cursor, batch)
            written += len(batch)
    return written


def bulk_insert_columns(model: type[models.Model], columns: Mapping[str, Sequence[Any]]) -> int:
    """Insert rows given as columns (``{field name: values}``, all of one length).

    What :func:`bulk_insert` does, for data that is already columnar: each column that
    needs converting is converted in one pass, with no per-row step. Returns the number
    of rows written.
    """
    insert = _Insert(model, list(columns))
    data = [list(values) for values in columns.values()]
    lengths = {len(values) for values in data}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    for i, convert in insert.converters:
        data[i] = list(map(convert, data[i]))
    rows = list(zip(*data, strict=True))
    with insert.connection.cursor() as cursor:
        insert.write(cursor, rows)
    return len(rows)
