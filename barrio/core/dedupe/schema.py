"""The record schema of people compared by the deduplication engine, and its preparation.

Records are a :class:`pandas.DataFrame` with one row per person record and these
columns (values may be missing, except ``record_id``):

================== ========================================================================
column             meaning
================== ========================================================================
record_id          unique identifier of the record (text; numbers are turned into text)
given_names        given names as written, e.g. "María José"
family_name_1      first family name (the father's, in Spanish use), e.g. "Pérez"
family_name_2      second family name (the mother's), often missing
sex                ``F``, ``M`` or ``X`` (or a word such as "mujer", see ``normalise_sex``)
birth_date         ISO date ``YYYY-MM-DD`` (text, ``datetime.date`` or timestamp)
nationality        country code, e.g. ``VE``
document_type      ``DNI``, ``CE``, ``CPP``, ``PTP``, ``PEP``, ``PPT``, ``PASSPORT``, …
document_number    as written; punctuation and leading zeros are ignored
document_country   issuing country code, e.g. ``PE``
phone              as written; only its last nine digits are compared
unit_code          code of the territorial unit (place) where the person lives
================== ========================================================================

Other columns are ignored. :func:`prepare_records` validates and normalises them into
the columns the splink model compares (see ``PREPARED_COLUMNS``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa

from barrio.core.dedupe.normalise import (
    name_words,
    normalise_birth_date,
    normalise_document_number,
    normalise_document_type,
    normalise_name,
    normalise_phone,
    normalise_sex,
    phonetic_key,
)

__all__ = ["PREPARED_COLUMNS", "RECORD_COLUMNS", "prepare_records"]

RECORD_COLUMNS: Final = (
    "record_id",
    "given_names",
    "family_name_1",
    "family_name_2",
    "sex",
    "birth_date",
    "nationality",
    "document_type",
    "document_number",
    "document_country",
    "phone",
    "unit_code",
)

#: Columns of a prepared frame, in order: the normalised record columns, then the
#: derived ones (first given name, phonetic keys, sorted name words, document key).
PREPARED_COLUMNS: Final = (
    *RECORD_COLUMNS,
    "given_1",
    "given_key",
    "family_key_1",
    "family_key_2",
    "name_words",
    "birth_year",
    "document_key",
)


def _map_unique(values: pd.Series, fn: Callable[[Any], Any]) -> np.ndarray:
    """Apply ``fn`` once per distinct value (names repeat a lot); missing values give None."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [fn(u) for u in uniques]
    mapped[-1] = None
    out: np.ndarray = mapped[codes]
    return out


def _text(fn: Callable[[str | None], str | None]) -> Callable[[Any], str | None]:
    """``fn`` applied to a value as stripped text (empty text is None)."""

    def apply(value: Any) -> str | None:
        return fn(str(value).strip() or None)

    return apply


def _code(value: str | None) -> str | None:
    """An upper-case code ("pe" → "PE")."""
    return value.upper() if value else None


def _same(value: str | None) -> str | None:
    return value


def _first_word(name: str | None) -> str | None:
    return name.split()[0] if name else None


def _key_of_words(name: str | None) -> str | None:
    """Phonetic key of a whole name, words joined (compound surnames count as one)."""
    return phonetic_key(name.replace(" ", "")) if name else None


def prepare_records(records: pd.DataFrame) -> pd.DataFrame:
    """Validate people records and normalise them for comparison.

    Parameters
    ----------
    records : pandas.DataFrame
        One row per record with the columns of :data:`RECORD_COLUMNS` (see the module
        docstring); other columns are ignored.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`PREPARED_COLUMNS` in the input's row order, with a fresh
        index. Names are normalised (:func:`normalise_name`), ``given_1`` is the first
        given name, ``*_key`` are phonetic keys, ``name_words`` the sorted distinct words
        of all names, ``birth_date`` a date (pyarrow ``date32``), ``document_key`` is
        ``TYPE|NUMBER|COUNTRY`` when all three are known.

    Raises
    ------
    ValueError
        If a column is missing, a ``record_id`` is missing or repeated, or a sex or birth
        date is invalid (the message names the record).

    Examples
    --------
    >>> row = {"record_id": 7, "given_names": "Yusmary del Carmen", "family_name_1": "PÉREZ",
    ...        "family_name_2": None, "sex": "mujer", "birth_date": "1990-03-21",
    ...        "nationality": "ve", "document_type": "Pasaporte",
    ...        "document_number": "123.456-7", "document_country": "VE",
    ...        "phone": "+51 987 654 321", "unit_code": "150101"}
    >>> prepared = prepare_records(pd.DataFrame([row]))
    >>> prepared.iloc[0][["record_id", "given_names", "given_key", "family_name_1",
    ...                   "name_words", "document_key", "phone"]].tolist()
    ['7', 'yusmary carmen', 'yusmari', 'perez', ['carmen', 'perez', 'yusmary'], \
'PASSPORT|1234567|VE', '987654321']
    """
    missing = [c for c in RECORD_COLUMNS if c not in records.columns]
    if missing:
        raise ValueError(f"records lack the columns: {', '.join(missing)}")
    ids = _map_unique(records["record_id"], _text(_same))
    absent = pd.isna(ids)
    if absent.any():
        raise ValueError(f"record_id is missing in row {int(np.flatnonzero(absent)[0])}")
    repeated = pd.Series(ids).duplicated()
    if repeated.any():
        raise ValueError(f"record_id {ids[np.flatnonzero(repeated)[0]]!r} is repeated")

    col: dict[str, np.ndarray] = {"record_id": ids}
    for column in ("given_names", "family_name_1", "family_name_2"):
        col[column] = _map_unique(records[column], _text(normalise_name))
    col["sex"] = _checked(records, ids, "sex", normalise_sex)
    col["birth_date"] = _checked(records, ids, "birth_date", normalise_birth_date)
    for column in ("nationality", "document_country"):
        col[column] = _map_unique(records[column], _text(_code))
    col["document_type"] = _map_unique(records["document_type"], _text(normalise_document_type))
    col["document_number"] = _map_unique(
        records["document_number"], _text(normalise_document_number)
    )
    col["phone"] = _map_unique(records["phone"], _text(normalise_phone))
    col["unit_code"] = _map_unique(records["unit_code"], _text(_same))

    text = {name: pd.Series(values, dtype="str") for name, values in col.items()}
    col["given_1"] = _map_unique(text["given_names"], _first_word)
    col["given_key"] = _map_unique(pd.Series(col["given_1"], dtype="str"), phonetic_key)
    col["family_key_1"] = _map_unique(text["family_name_1"], _key_of_words)
    col["family_key_2"] = _map_unique(text["family_name_2"], _key_of_words)
    col["birth_year"] = _map_unique(text["birth_date"], lambda d: d[:4])
    names = [text[k].fillna("") for k in ("given_names", "family_name_1", "family_name_2")]
    lists = {"name_words": _map_unique(names[0] + " " + names[1] + " " + names[2], name_words)}
    # A date type, not text: comparing dates then needs no parsing per pair.
    lists["birth_date"] = pd.array(col["birth_date"], dtype=pd.ArrowDtype(pa.date32()))
    document = text["document_type"] + "|" + text["document_number"]
    col["document_key"] = (document + "|" + text["document_country"]).to_numpy(object)

    out = pd.DataFrame(
        {
            name: lists[name] if name in lists else pd.Series(col[name], dtype="str")
            for name in PREPARED_COLUMNS
        }
    )
    return out.loc[:, list(PREPARED_COLUMNS)]


def _checked(
    records: pd.DataFrame, ids: np.ndarray, column: str, fn: Callable[[Any], str | None]
) -> np.ndarray:
    """Apply ``fn`` to a column; a ValueError names the first record it failed on."""
    try:
        return _map_unique(records[column], fn)
    except ValueError:
        values = records[column].astype(object).where(records[column].notna(), None)
        for record_id, value in zip(ids, values, strict=True):
            try:
                fn(value)
            except ValueError as error:
                raise ValueError(f"record {record_id}: {error}") from None
        raise
