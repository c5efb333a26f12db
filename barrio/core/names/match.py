"""Match table rows to territorial units by name, within their parent, stage by stage."""

from __future__ import annotations

from collections.abc import Sequence

from barrio.core.names.report import (
    Candidate,
    MatchKind,
    MatchReport,
    NameMatch,
    candidates_with_aliases,
)
from barrio.core.names.stages import PreparedName, match_one, prepare

__all__ = [
    "Candidate",
    "MatchKind",
    "MatchReport",
    "NameMatch",
    "candidates_with_aliases",
    "match_names",
]


def match_names(
    rows: Sequence[tuple[str, str]],
    candidates: Sequence[Candidate],
    *,
    min_score: float = 0.9,
    margin: float = 0.03,
    alternatives: int = 3,
) -> MatchReport:
    """Match ``(parent code, name)`` rows to candidate units of the same parent.

    Stages, the first giving a single unit wins (see the module docstring): exact,
    normalised (kinds of settlement such as "Pueblo" or "Barrio" break ties between units
    with the same key), section, partial (one part of a compound name "A-B" or "A/B"
    matches, or one name's tokens begin the other's), fuzzy.

    Parameters
    ----------
    rows : sequence of (str, str)
        Parent code and unit name of each table row.
    candidates : sequence of Candidate
        Units to match to; several rows may match the same unit.
    min_score : float, default 0.9
        Lowest similarity (0-1) accepted as a fuzzy match; one-word names need at least
        0.95.
    margin : float, default 0.03
        A fuzzy match must beat the next unit by this much; otherwise it is ambiguous and
        left for a person.
    alternatives : int, default 3
        Candidates listed with each partial, fuzzy and unmatched row.

    Returns
    -------
    MatchReport
        One match per row, in row order.

    Raises
    ------
    ValueError
        If candidate codes repeat or ``min_score``/``margin`` are outside [0, 1].

    Examples
    --------
    >>> units = [Candidate("1", "AO", "Ampliación Estado de Hidalgo"),
    ...          Candidate("2", "AO", "Agrícola Oriental"),
    ...          Candidate("3", "AO", "Lomas de Tarango"),
    ...          Candidate("4", "AO", "Pueblo San Andrés"),
    ...          Candidate("5", "AO", "Barrio San Andrés")]
    >>> rows = [("AO", "ESTADO DE HIDALGO (AMPL)"), ("AO", "AGRICOLA ORIENTAL VI"),
    ...         ("AO", "LOMAS DE TARANGGO"), ("AO", "lomas de tarango"),
    ...         ("AO", "SAN ANDRES (BARR)"), ("AO", "LOMAS DE TARANGO-SAN ISIDRO"),
    ...         ("XX", "Lomas de Tarango")]
    >>> for m in match_names(rows, units).matches:
    ...     print(m.kind, m.code, m.score)
    normalised 1 1.0
    section 2 1.0
    fuzzy 3 0.963
    exact 3 1.0
    normalised 5 1.0
    partial 3 0.5
    unmatched None 0.0
    """
    if len({c.code for c in candidates}) != len(candidates):
        raise ValueError("duplicate candidate codes")
    if not (0 <= min_score <= 1 and 0 <= margin <= 1):
        raise ValueError(f"min_score and margin must be in [0, 1], got {min_score}, {margin}")
    by_parent: dict[str, list[PreparedName]] = {}
    for c in candidates:
        by_parent.setdefault(c.parent, []).extend(prepare(c))
    out = []
    for i, (parent, name) in enumerate(rows):
        pool = by_parent.get(parent, [])
        out.append(match_one(i, parent, name, pool, min_score, margin, alternatives))
    return MatchReport(tuple(out))
