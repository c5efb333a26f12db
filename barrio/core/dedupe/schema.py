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

import unicodedata
from collections.abc import Callable
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa

from barrio.core.dedupe.normalise import (
    MIN_PHONE_DIGITS,
    PHONE_DIGITS,
    normalise_birth_date,
    normalise_document_type,
    normalise_name,
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
#: derived ones (first given name, phonetic keys, birth year, document key).
PREPARED_COLUMNS: Final = (
    *RECORD_COLUMNS,
    "given_1",
    "given_key",
    "family_key_1",
    "family_key_2",
    "birth_year",
    "document_key",
)


def _map_unique(values: pd.Series, fn: Callable[[Any], str | None]) -> pd.Series:
    """Apply ``fn`` once per distinct value (names repeat a lot); missing values stay missing.

    The result is Arrow-backed text, built by one ``take`` rather than from Python objects.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    distinct = np.asarray(uniques, dtype=object)  # fast for Arrow-backed text, too
    mapped = pa.array([fn(u) for u in distinct] + [None], type=pa.large_string())
    taken = mapped.take(pa.array(np.where(codes < 0, len(distinct), codes)))
    return pd.Series(taken, index=values.index, dtype="str")


def _as_text(values: pd.Series) -> pd.Series:
    """A column as stripped text (Arrow-backed), empty text missing."""
    text = values.astype("str").str.strip()
    return text.mask(text == "")


def _phones(values: pd.Series) -> pd.Series:
    """:func:`normalise_phone` on a whole column, in Arrow's compute kernels."""
    digits = _as_text(values).str.replace(r"[^0-9]+", "", regex=True).str.slice(-PHONE_DIGITS)
    placeholder = digits.str.fullmatch("(?:" + "|".join(f"{d}+" for d in range(10)) + ")")
    return digits.mask((digits.str.len() < MIN_PHONE_DIGITS) | placeholder)


def _document_numbers(values: pd.Series) -> pd.Series:
    """:func:`normalise_document_number` on a whole column, in Arrow's compute kernels.

    Only the (rare) numbers with other than ASCII characters are decomposed (NFKD), one by
    one with Python's Unicode tables, as the function does: Arrow's tables are newer and
    decompose characters that Python 3.11 does not know (U+209D became "W" here and stayed
    itself there). ASCII text is its own decomposition.
    """
    text = _as_text(values)
    foreign = (text.notna() & ~text.str.isascii().fillna(True)).to_numpy(dtype=bool)
    if foreign.any():
        text = text.copy()
        text[foreign] = [unicodedata.normalize("NFKD", value) for value in text[foreign]]
    number = text.str.replace(r"[^A-Za-z0-9]+", "", regex=True).str.upper().str.lstrip("0")
    return number.mask(number == "")


def _code(value: str) -> str:
    """An upper-case code ("pe" → "PE")."""
    return value.upper()


def _first_word(name: str) -> str:
    return name.split()[0]


def _key_of_words(name: str) -> str | None:
    """Phonetic key of a whole name, words joined (compound surnames count as one)."""
    return phonetic_key(name.replace(" ", ""))


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
        given name, ``*_key`` are phonetic keys, ``birth_date`` a date (pyarrow
        ``date32``), ``document_key`` is
        ``TYPE|NUMBER|COUNTRY`` when all three are known.

    Raises
    ------
    ValueError
        If a column is missing, a ``record_id`` is missing or repeated, or a sex or birth
        date is invalid (the message names the record and the field, never a value).

    Examples
    --------
    >>> row = {"record_id": 7, "given_names": "Yusmary del Carmen", "family_name_1": "PÉREZ",
    ...        "family_name_2": None, "sex": "mujer", "birth_date": "1990-03-21",
    ...        "nationality": "ve", "document_type": "Pasaporte",
    ...        "document_number": "123.456-7", "document_country": "VE",
    ...        "phone": "+51 987 654 321", "unit_code": "150101"}
    >>> prepared = prepare_records(pd.DataFrame([row]))
    >>> prepared.iloc[0][["record_id", "given_names", "given_key", "family_name_1",
    ...                   "document_key", "phone"]].tolist()
    ['7', 'yusmary carmen', 'yusmari', 'perez', 'PASSPORT|1234567|VE', '987654321']
    """
    missing = [c for c in RECORD_COLUMNS if c not in records.columns]
    if missing:
        raise ValueError(f"records lack the columns: {', '.join(missing)}")
    records = records.reset_index(drop=True)
    ids = _as_text(records["record_id"])
    if ids.isna().any():
        raise ValueError(f"record_id is missing in row {int(np.flatnonzero(ids.isna())[0])}")
    repeated = ids.duplicated().to_numpy()
    if repeated.any():
        raise ValueError(f"record_id {ids.iloc[np.flatnonzero(repeated)[0]]!r} is repeated")

    col: dict[str, pd.Series] = {"record_id": ids}
    for column in ("given_names", "family_name_1", "family_name_2"):
        col[column] = _map_unique(_as_text(records[column]), normalise_name)
    col["sex"] = _checked(records, ids, "sex", normalise_sex)
    birth = _checked(records, ids, "birth_date", normalise_birth_date)
    for column in ("nationality", "document_country"):
        col[column] = _map_unique(_as_text(records[column]), _code)
    col["document_type"] = _map_unique(_as_text(records["document_type"]), normalise_document_type)
    col["document_number"] = _document_numbers(records["document_number"])
    col["phone"] = _phones(records["phone"])
    col["unit_code"] = _as_text(records["unit_code"])
    col["given_1"] = _map_unique(col["given_names"], _first_word)
    col["given_key"] = _map_unique(col["given_1"], phonetic_key)
    col["family_key_1"] = _map_unique(col["family_name_1"], _key_of_words)
    col["family_key_2"] = _map_unique(col["family_name_2"], _key_of_words)
    col["birth_year"] = birth.str.slice(0, 4)
    col["document_key"] = (
        col["document_type"] + "|" + col["document_number"] + "|" + col["document_country"]
    )
    # A date type, not text: comparing dates then needs no parsing per pair.
    col["birth_date"] = birth.astype(pd.ArrowDtype(pa.date32()))
    out = pd.DataFrame({name: col[name] for name in PREPARED_COLUMNS})
    return out.loc[:, list(PREPARED_COLUMNS)]


def _checked(
    records: pd.DataFrame, ids: pd.Series, column: str, fn: Callable[[Any], str | None]
) -> pd.Series:
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
