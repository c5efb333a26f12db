"""Match table rows to territorial units by name, within their parent, stage by stage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from barrio.core.names.leftover import pair_leftovers, split_units
from barrio.core.names.normalise import analyse_name
from barrio.core.names.report import (
    Candidate,
    MatchKind,
    MatchReport,
    NameMatch,
    candidates_with_aliases,
)
from barrio.core.names.similarity import WordWeights, name_similarity
from barrio.core.names.stages import PreparedName, match_one, prepare, section_variants

__all__ = [
    "Candidate",
    "MatchKind",
    "MatchReport",
    "NameMatch",
    "candidates_with_aliases",
    "match_names",
    "suggest",
]


def match_names(
    rows: Sequence[tuple[str, str]],
    candidates: Sequence[Candidate],
    *,
    min_score: float = 0.9,
    margin: float = 0.03,
    alternatives: int = 3,
    catalogue: Sequence[tuple[str, str]] = (),
    leftover_score: float = 0.75,
) -> MatchReport:
    """Match ``(parent code, name)`` rows to candidate units of the same parent.

    Stages, the first giving a single unit wins (see the package docstring): exact,
    normalised (kinds of settlement such as "Pueblo" or "Barrio" break ties between units
    with the same key), section, partial (one part of a compound name "A-B" or "A/B"
    matches, or one name's tokens begin the other's), compound, fuzzy; then, among the
    rows left and the units nobody took, split and leftover.

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
    catalogue : sequence of (str, str), optional
        Parent and name of every unit of the rows' own catalogue (e.g. all colonias of
        the older vintage), when the rows list only some: the units these names match
        are not free for the split and leftover stages, and the names compete for the
        free ones. Names equal to a row's are the row.
    leftover_score : float, default 0.75
        Lowest likeness (0-1) of a leftover match; 0.15 less when one name is inside the
        other ("TEPETONGO", "Cumbres de Tepetongo").

    Returns
    -------
    MatchReport
        One match per row, in row order.

    Raises
    ------
    ValueError
        If candidate codes repeat or ``min_score``, ``margin`` or ``leftover_score`` are
        outside [0, 1].

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
    if not (0 <= min_score <= 1 and 0 <= margin <= 1 and 0 <= leftover_score <= 1):
        raise ValueError(
            "min_score, margin and leftover_score must be in [0, 1], "
            f"got {min_score}, {margin}, {leftover_score}"
        )
    by_parent: dict[str, list[PreparedName]] = {}
    for c in candidates:
        by_parent.setdefault(c.parent, []).extend(prepare(c))
    out = []
    for i, (parent, name) in enumerate(rows):
        pool = by_parent.get(parent, [])
        out.append(match_one(i, parent, name, pool, min_score, margin, alternatives))
    # The rest of the rows' catalogue claims units too, and competes for the free ones.
    # Only where rows are left: elsewhere there is nothing to resolve.
    written = {_written(m) for m in out}
    unresolved = {m.parent for m in out if m.kind == "unmatched"}
    others = [
        match_one(-1, parent, name, by_parent.get(parent, []), min_score, margin, 0)
        for parent, name in dict.fromkeys(catalogue)
        if parent in unresolved and (parent, name.strip().casefold()) not in written
    ]
    resolved = _resolve_leftovers([*out, *others], by_parent, leftover_score, margin)
    for i, m in enumerate(out):
        if m.kind == "unmatched" and (hit := resolved.get(_written(m))):
            kind, codes, score = hit
            parts = codes if len(codes) > 1 else ()
            out[i] = replace(m, kind=kind, code=codes[0], score=score, parts=parts)
    return MatchReport(tuple(out))


def _written(m: NameMatch) -> tuple[str, str]:
    """A row's name as written, for telling apart names, not spellings."""
    return m.parent, m.name.strip().casefold()


def _resolve_leftovers(
    matches: Sequence[NameMatch],
    by_parent: dict[str, list[PreparedName]],
    leftover_score: float,
    margin: float,
) -> dict[tuple[str, str], tuple[MatchKind, tuple[str, ...], float]]:
    """Split and leftover matches of the unmatched names, by (parent, name as written).

    Units any name matched are claimed; the unmatched names are matched among the units
    left free, first to units the newer catalogue split, then one to one.
    """
    claimed = {code for m in matches for code in (m.parts or (m.code,)) if code}
    left: dict[str, list[str]] = {}
    for m in matches:
        parent, name = _written(m)
        if m.kind == "unmatched" and name not in left.get(parent, []):
            left.setdefault(parent, []).append(name)
    free = {p: [n for n in pool if n.unit.code not in claimed] for p, pool in by_parent.items()}
    out: dict[tuple[str, str], tuple[MatchKind, tuple[str, ...], float]] = {}
    for key, codes in split_units(left, free).items():
        out[key] = ("split", tuple(codes), round(1 / len(codes), 4))
        claimed.update(codes)
        left[key[0]].remove(key[1])
    free = {p: [n for n in pool if n.unit.code not in claimed] for p, pool in free.items()}
    weights = _weights(n.unit for pool in by_parent.values() for n in pool)
    paired = pair_leftovers(left, free, weights, min_score=leftover_score, margin=margin)
    for key, (code, score) in paired.items():
        out[key] = ("leftover", (code,), score)
    return out


def _weights(units: Iterable[Candidate]) -> WordWeights:
    """Word weights over the distinct units, all their names together."""
    distinct = {u.code: u for u in units}
    return WordWeights.from_names(
        [t for n in prepare(u) for t in n.tokens] for u in distinct.values()
    )


def suggest(
    name: str, parent: str, candidates: Sequence[Candidate], k: int = 5
) -> list[tuple[Candidate, float]]:
    """Return the ``k`` units of ``parent`` most like ``name``, best first, for a person.

    The likeness weighs rare words more and hears Spanish spelling (see
    :func:`~barrio.core.names.similarity.name_similarity`); a name's section ("... 2A
    SECC") may be left out. Units with no word alike are not offered.

    Parameters
    ----------
    name : str
        The name of an unmatched row.
    parent : str
        Its parent code; only its units are offered.
    candidates : sequence of Candidate
        All units (their words set the weights).
    k : int, default 5
        How many to return at most.

    Returns
    -------
    list of (Candidate, float)
        Units with their likeness (0-1), best first, ties by code.

    Raises
    ------
    ValueError
        If ``k`` is below 1.

    Examples
    --------
    >>> units = [Candidate("1", "TL", "Cumbres de Tepetongo"), Candidate("2", "TL", "Tenorios"),
    ...          Candidate("3", "TL", "La Meza"), Candidate("4", "XO", "Tepetongo")]
    >>> [(c.name, s) for c, s in suggest("TEPETONGO", "TL", units, k=2)]
    [('Cumbres de Tepetongo', 0.6119)]
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    weights = _weights(candidates)
    tokens, _ = analyse_name(name)
    variants = [v for v in [tokens, *section_variants(name, tokens)] if v]
    scored: dict[str, tuple[Candidate, float]] = {}
    for unit in candidates:
        if unit.parent != parent:
            continue
        best = max(
            (name_similarity(v, n.tokens, weights) for v in variants for n in prepare(unit)),
            default=0.0,
        )
        if best > 0:
            scored[unit.code] = (unit, round(best, 4))
    return sorted(scored.values(), key=lambda t: (-t[1], t[0].code))[:k]
